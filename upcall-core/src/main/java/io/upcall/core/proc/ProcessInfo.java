package io.upcall.core.proc;

import java.util.List;

/**
 * What Upcall knows of a process when an event about it arrives, from its own table (kept by fork,
 * exec and exit), {@code /proc}, and, for a process gone before {@code /proc} could be read, the audit records of its
 * exec. Any field may be missing ({@code null}, or -1 for numbers) when nothing told it.
 *
 * @param uid       the effective user id
 * @param user      that uid's name from {@code /etc/passwd}
 * @param ancestors parent first, up to init; empty unless asked for
 * @param context   where {@code exe} and {@code cmdline} came from: {@link #FROM_PROC}, {@link #FROM_AUDIT} or
 *                  {@link #FROM_NONE}
 * @param cwd       the working directory at the exec, when the context came from audit (its CWD record); else null
 */
public record ProcessInfo(int pid, int ppid, String comm, String exe, String cmdline, int uid, String user,
        List<Ancestor> ancestors, String context, String cwd) {
    /** Read from {@code /proc} (at the event, or inherited at a fork from a parent read there). */
    public static final String FROM_PROC = "proc";
    /** Taken from audit's SYSCALL, EXECVE and CWD records: the process was gone before {@code /proc} could be read. */
    public static final String FROM_AUDIT = "audit";
    /** Nothing told the program: gone before {@code /proc} could be read, and no audit record named it. */
    public static final String FROM_NONE = "none";

    /** One process up the parent chain. */
    public record Ancestor(int pid, String comm) {}

    /** A process as {@code /proc} (or the table kept from it) shows it: the context says whether it named a program. */
    public ProcessInfo(int pid, int ppid, String comm, String exe, String cmdline, int uid, String user,
            List<Ancestor> ancestors) {
        this(pid, ppid, comm, exe, cmdline, uid, user, ancestors, exe == null && cmdline == null ? FROM_NONE : FROM_PROC,
                null);
    }

    ProcessInfo withAncestors(List<Ancestor> list) {
        return new ProcessInfo(pid, ppid, comm, exe, cmdline, uid, user, list, context, cwd);
    }

    /** This process with the program an exec witness named (audit's records), where it lacked one. */
    ProcessInfo withProgram(String witnessComm, String witnessExe, String witnessCmdline, String witnessCwd) {
        return new ProcessInfo(pid, ppid, witnessComm != null ? witnessComm : comm, witnessExe != null ? witnessExe : exe,
                witnessCmdline != null ? witnessCmdline : cmdline, uid, user, ancestors, FROM_AUDIT, witnessCwd);
    }

    /**
     * Whether the program is not fully known: what an exec witness can fill in. A process that exited but was not reaped
     * yet still has its {@code /proc} entry, without {@code exe}, and its command line empty once its memory is gone.
     */
    boolean lacksProgram() {
        return exe == null || cmdline == null;
    }
}
