package io.upcall.core.proc;

import java.util.List;

/**
 * What Upcall knows of a process when an event about it arrives, from its own table (kept by fork,
 * exec and exit) and {@code /proc}. Any field may be missing ({@code null}, or -1 for numbers) when the
 * process was gone before it could be read.
 *
 * @param uid       the effective user id
 * @param user      that uid's name from {@code /etc/passwd}
 * @param ancestors parent first, up to init; empty unless asked for
 */
public record ProcessInfo(int pid, int ppid, String comm, String exe, String cmdline, int uid, String user,
        List<Ancestor> ancestors) {

    /** One process up the parent chain. */
    public record Ancestor(int pid, String comm) {}

    ProcessInfo withAncestors(List<Ancestor> list) {
        return new ProcessInfo(pid, ppid, comm, exe, cmdline, uid, user, list);
    }
}
