package io.upcall.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.protocol.cnproc.CnProc;

/** Gates for tests that need the real kernel: they skip, saying why, instead of passing vacuously. */
final class KernelTests {
    private KernelTests() {}

    /** Skips unless this process may join the proc connector (root with CAP_NET_ADMIN, CONFIG_PROC_EVENTS). */
    static void assumeProcConnector() {
        assumeTrue("Linux".equals(System.getProperty("os.name")), "needs Linux");
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_CONNECTOR)) {
            s.bind(1 << (CnProc.CN_IDX_PROC - 1));
        } catch (LinuxException e) {
            assumeTrue(false, "proc connector unavailable: " + e.getMessage() + " (run as root)");
        }
        Availability a = ProcConnectorProbe.check(KernelVersion.running());
        assumeTrue(a.available(), "proc connector unavailable: " + a.detail());
    }
}
