package io.upcall.core.audit;

import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.protocol.audit.AuditStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The audit daemon role ({@code AUDIT_SET} with {@code AUDIT_STATUS_PID}): taken only when asked and only when no other
 * daemon holds it, given back (pid 0) when the channel closes. The kernel sends its records unicast to the socket that
 * registered, and stops logging them itself. Taking it never steals it: a registered pid that still runs is a refusal
 * naming that pid and its command; one that no longer runs is replaced (the kernel checks the old connection first and
 * drops it when it is dead, {@code audit_replace}), with a warning saying so. If this process is killed without closing
 * ({@code SIGKILL}), the kernel drops the role itself at its next failed send.
 */
final class AuditDaemonRole {
    private AuditDaemonRole() {}

    /** A pid 0 or a pid that no longer runs: nobody holds the role. */
    static boolean held(long pid) {
        return pid != 0 && Files.exists(Path.of("/proc/" + pid));
    }

    /**
     * Registers {@code socket} as the audit daemon's, after {@code control} showed that no running process holds the
     * role. {@code warn} hears about a registered pid that no longer runs.
     * @throws LinuxException EEXIST naming the holder when another daemon is registered; the kernel's refusal otherwise
     */
    static void take(AuditControl control, NetlinkSocket socket, Consumer<String> warn) throws LinuxException {
        long holder = control.status().pid();
        if (held(holder)) {
            throw refusal(holder);
        }
        if (holder != 0) {
            warn.accept("the audit daemon registered (pid " + holder + ") no longer runs: Upcall takes the role");
        }
        long self = NetlinkSocket.getpid();
        try (AuditControl mine = AuditControl.over(socket)) {
            mine.set(pid(self));
        } catch (LinuxException e) {
            if (e.errno() == Errno.EEXIST) {
                throw refusal(control.status().pid()); // another took it in between
            }
            throw e;
        }
    }

    /** Gives the role back (pid 0), if this process still holds it. */
    static void giveBack(AuditControl control) throws LinuxException {
        if (control.status().pid() == NetlinkSocket.getpid()) {
            control.set(pid(0));
        }
    }

    private static AuditStatus pid(long pid) {
        return new AuditStatus(AuditStatus.AUDIT_STATUS_PID, 0, 0, pid, 0, 0, 0, 0, 0, 0, 0);
    }

    private static LinuxException refusal(long holder) {
        return new LinuxException("AUDIT_SET(pid) while pid " + holder + " (" + AuditProbe.comm(holder)
                + ") holds the audit daemon role", Errno.EEXIST);
    }
}
