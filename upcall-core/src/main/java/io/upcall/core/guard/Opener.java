package io.upcall.core.guard;

/**
 * The process that opened, as {@code /proc/PID} described it when the guard looked. Fields it could not read (the
 * process had exited, a kernel thread has no executable) are -1 or null.
 *
 * @param pid  the thread group id the event named
 * @param uid  the real user id ({@code Uid:} in {@code status}): who is asking
 * @param euid the effective user id (differs for a set-user-id program)
 * @param exe  the executable ({@code readlink /proc/PID/exe})
 * @param comm the command name ({@code Name:} in {@code status}), as the process may have set it
 */
public record Opener(int pid, int uid, int euid, String exe, String comm) {

    /** Nothing known but the pid. */
    public static Opener unknown(int pid) {
        return new Opener(pid, -1, -1, null, null);
    }

    /** True when {@code /proc/PID} could be read. */
    public boolean known() {
        return uid >= 0;
    }
}
