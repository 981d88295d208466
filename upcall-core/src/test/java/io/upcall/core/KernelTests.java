package io.upcall.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.channel.Availability;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.protocol.cnproc.CnProc;
import java.nio.charset.StandardCharsets;

/** Gates for tests that need the real kernel: they skip, saying why, instead of passing vacuously. */
public final class KernelTests {
    private KernelTests() {}

    /**
     * Sends, from {@code forger}, a well-formed kernel-format uevent for {@code lo} carrying {@code SYNTH_UUID=uuid}
     * to group 1, the kernel's, as udev's CVE-2009-1185 exploit did. Skips when the kernel does not let user space
     * send there.
     *
     * <p>Every uevent listener on the host receives it, udev included, and not all of them check the sender as Upcall
     * does: so it is a {@code change} of the loopback device, which asks nothing of anyone, never an {@code add}.
     */
    public static void forgeUevent(NetlinkSocket forger, String uuid) {
        byte[] forged = ("change@/devices/virtual/net/lo\0ACTION=change\0DEVPATH=/devices/virtual/net/lo\0SUBSYSTEM=net\0"
                + "SYNTH_UUID=" + uuid + "\0SEQNUM=1\0").getBytes(StandardCharsets.UTF_8);
        try {
            forger.sendTo(0, 1, forged);
        } catch (LinuxException e) {
            assumeTrue(false, "this kernel does not let user space send to the uevent group: " + e.getMessage());
        }
    }

    /** Skips unless this process may join the proc connector (root with CAP_NET_ADMIN, CONFIG_PROC_EVENTS). */
    public static void assumeProcConnector() {
        assumeTrue("Linux".equals(System.getProperty("os.name")), "needs Linux");
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_CONNECTOR)) {
            s.bind(1 << (CnProc.CN_IDX_PROC - 1));
        } catch (LinuxException e) {
            assumeTrue(false, "proc connector unavailable: " + e.getMessage() + " (run as root)");
        }
        Availability a = io.upcall.core.proc.ProcChannel.INSTANCE.probe();
        assumeTrue(a.available(), "proc connector unavailable: " + a.detail());
    }
}
