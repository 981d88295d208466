package io.upcall.core.proc;

import io.upcall.core.channel.Availability;
import io.upcall.core.netlink.KernelVersion;
import io.upcall.core.netlink.ReceiveBuffers;
import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.linux.ReceiveBatch;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.cnproc.CnProc;
import io.upcall.protocol.cnproc.CnProcDecoder;
import io.upcall.protocol.cnproc.CnProcEncoder;
import io.upcall.protocol.cnproc.ProcEvent;
import io.upcall.protocol.netlink.NetlinkCursor;

/**
 * Finds out whether the proc connector works here by doing what the source does (socket, bind,
 * subscribe) and waiting for the kernel's acknowledgement, then unsubscribing. Each failure maps to
 * its cause: no {@code CONFIG_CONNECTOR}, no privilege, no {@code CONFIG_PROC_EVENTS}.
 */
final class ProcConnectorProbe {
    private static final long ACK_WAIT_NANOS = 1_000_000_000L;

    private ProcConnectorProbe() {}

    static Availability check(KernelVersion kernel) {
        String filter = kernel.atLeast(6, 6) ? "kernel-side event filter available (Linux " + kernel.release() + ")"
                : "event types filtered in user space (kernel filter needs Linux 6.6, this is " + kernel.release() + ")";
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_CONNECTOR)) {
            s.bind(1 << (CnProc.CN_IDX_PROC - 1));
            String buffer = ReceiveBuffers.note(s);
            s.send(CnProcEncoder.mcastOp(CnProc.PROC_CN_MCAST_LISTEN, 1, s.portId()));
            try {
                int err = awaitAck(s);
                if (err == 0) {
                    return new Availability(ProcChannel.NAME, true, "proc connector subscribed; " + filter + "; " + buffer);
                }
                if (err > 0) {
                    return new Availability(ProcChannel.NAME, false, "the kernel refused the subscription: " + Errno.name(err)
                            + " (" + Errno.message(err) + ")" + (err == Errno.EPERM
                            ? "; before Linux 6.6 it needs CAP_NET_ADMIN in the initial user and pid namespace (not in a container)" : ""));
                }
                return new Availability(ProcChannel.NAME, false, "no acknowledgement from the proc connector within 1 s: "
                        + "the kernel may lack CONFIG_PROC_EVENTS");
            } finally {
                s.send(CnProcEncoder.mcastOp(CnProc.PROC_CN_MCAST_IGNORE, 1, s.portId()));
            }
        } catch (LinuxException e) {
            return new Availability(ProcChannel.NAME, false, cause(e));
        }
    }

    private static String cause(LinuxException e) {
        if (e.errno() == Errno.EPROTONOSUPPORT || e.errno() == Errno.EAFNOSUPPORT) {
            return e.getMessage() + ": the kernel has no netlink connector (CONFIG_CONNECTOR)";
        }
        if (e.isPermissionDenied()) {
            return e.getMessage() + ": this kernel lets only root (CAP_NET_ADMIN) join the proc connector group";
        }
        return e.getMessage();
    }

    /** @return the ack's errno (0 = accepted), or -1 when none came in time */
    private static int awaitAck(NetlinkSocket s) throws LinuxException {
        NetlinkCursor cursor = new NetlinkCursor();
        long deadline = System.nanoTime() + ACK_WAIT_NANOS;
        try (ReceiveBatch batch = new ReceiveBatch(16, 512)) {
            while (System.nanoTime() < deadline) {
                int n = s.receive(batch);
                if (n <= 0) {
                    s.poll(50);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    if (batch.senderPort(i) != 0) {
                        continue;
                    }
                    cursor.reset(batch.data(i));
                    while (cursor.next()) {
                        DecodeResult<ProcEvent> r = CnProcDecoder.decode(batch.data(i), cursor.payloadOffset(),
                                cursor.payloadLength());
                        if (r instanceof DecodeResult.Decoded<ProcEvent>(ProcEvent.Ack ack)) {
                            return ack.err();
                        }
                    }
                }
            }
        }
        return -1;
    }
}
