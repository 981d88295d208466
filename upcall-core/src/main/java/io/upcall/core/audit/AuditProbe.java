package io.upcall.core.audit;

import io.upcall.core.channel.Availability;
import io.upcall.core.netlink.ReceiveBuffers;
import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.protocol.audit.Audit;
import io.upcall.protocol.audit.AuditStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether audit records can be received here (joining {@code AUDIT_NLGRP_READLOG}), and what the kernel's audit
 * status says: enabled or not, and who holds the audit daemon role ({@code AUDIT_GET}'s pid).
 */
final class AuditProbe {
    private AuditProbe() {}

    static Availability check() {
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_AUDIT)) {
            s.bind(1 << (Audit.AUDIT_NLGRP_READLOG - 1));
            return new Availability(AuditChannel.NAME, true, "read-only multicast group joined; " + status() + "; "
                    + ReceiveBuffers.note(s));
        } catch (LinuxException e) {
            String why = e.errno() == Errno.EPROTONOSUPPORT ? ": the kernel has no audit (CONFIG_AUDIT)"
                    : e.isPermissionDenied() ? ": joining the audit multicast group needs CAP_AUDIT_READ (root)" : "";
            return new Availability(AuditChannel.NAME, false, e.getMessage() + why);
        }
    }

    /** The enabled flag and the daemon role, or why they cannot be read. */
    static String status() {
        try (AuditControl control = AuditControl.open()) {
            String status = describe(control.status());
            try {
                return status + "; " + LeftoverRules.describe(control.ruleKeys(), AuditProbe::running);
            } catch (LinuxException e) {
                return status + "; rules unknown (" + e.getMessage() + ")";
            }
        } catch (LinuxException e) {
            return "status unknown (" + e.getMessage() + (e.isPermissionDenied() ? ", needs CAP_AUDIT_CONTROL" : "") + ")";
        }
    }

    static String describe(AuditStatus st) {
        String enabled = st.enabled() == 0 ? "auditing disabled (no syscall records until enabled)"
                : st.enabled() == 2 ? "auditing enabled and locked" : "auditing enabled";
        String daemon = st.pid() == 0 ? "no audit daemon registered"
                : !running(st.pid()) ? "audit daemon pid " + st.pid() + " registered but no longer running"
                : "audit daemon pid " + st.pid() + " (" + comm(st.pid()) + ")";
        return enabled + ", " + daemon + ", lost " + st.lost() + ", backlog limit " + st.backlogLimit();
    }

    private static boolean running(long pid) {
        return Files.exists(Path.of("/proc/" + pid));
    }

    /** The command name of {@code pid}, or what says it cannot be seen. */
    static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException | RuntimeException e) {
            return "not visible here";
        }
    }
}
