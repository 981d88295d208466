package io.upcall.core.acct;

import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.linux.ReceiveBatch;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.genl.Genl;
import io.upcall.protocol.genl.GenlControlDecoder;
import io.upcall.protocol.genl.GenlEncoder;
import io.upcall.protocol.genl.GenlFamily;
import io.upcall.protocol.netlink.Netlink;
import io.upcall.protocol.taskstats.Taskstats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the {@code TASKSTATS} family on this boot and checks that this process may register for exit records, on a
 * socket of its own that it closes (registering and deregistering at once), so that the channel's socket is asked
 * only once it is known to work.
 */
final class TaskstatsFamily {
    private static final int WAIT_MILLIS = 100;
    private static final int TRIES = 20;

    private TaskstatsFamily() {}

    /** The CPUs that exist or may come online ({@code /sys/devices/system/cpu/possible}: {@code "0-1"}). */
    static String possibleCpus() {
        try {
            String s = Files.readString(Path.of("/sys/devices/system/cpu/possible")).strip();
            if (!s.isEmpty()) {
                return s;
            }
        } catch (IOException | SecurityException e) {
            // fall back to the CPUs the JVM sees
        }
        return "0-" + (Runtime.getRuntime().availableProcessors() - 1);
    }

    /** The family id; throws when the kernel has no {@code TASKSTATS} or refuses to register this process. */
    static GenlFamily check(String cpus) throws LinuxException {
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_GENERIC);
                ReceiveBatch batch = new ReceiveBatch(1, 8192)) {
            s.bind(0);
            s.setReceiveTimeout(WAIT_MILLIS);
            GenlFamily family = resolve(s, batch);
            int refused = register(s, batch, family.id(), Taskstats.TASKSTATS_CMD_ATTR_REGISTER_CPUMASK, cpus);
            register(s, batch, family.id(), Taskstats.TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK, cpus);
            if (refused != 0) {
                throw new LinuxException("TASKSTATS_CMD_ATTR_REGISTER_CPUMASK(" + cpus + ")", refused);
            }
            return family;
        }
    }

    /** Asks the controller on {@code s} (bound, with a receive timeout) for the {@code TASKSTATS} family. */
    static GenlFamily resolve(NetlinkSocket s, ReceiveBatch batch) throws LinuxException {
        s.send(GenlEncoder.getFamily(Taskstats.TASKSTATS_GENL_NAME, 1));
        GenlFamily family = KernelReply.await(s, batch, TRIES, (datagram, cursor) -> {
            if (cursor.type() == Netlink.NLMSG_ERROR && cursor.errorCode() < 0) {
                // ENOENT: no such family (CONFIG_TASKSTATS off)
                throw new LinuxException("CTRL_CMD_GETFAMILY(TASKSTATS)", -cursor.errorCode());
            }
            return cursor.type() == Genl.GENL_ID_CTRL && GenlControlDecoder.decode(datagram, cursor.payloadOffset(),
                    cursor.payloadLength()) instanceof DecodeResult.Decoded<GenlFamily> d ? d.value() : null;
        });
        if (family == null) {
            throw new LinuxException("CTRL_CMD_GETFAMILY(TASKSTATS): no answer", Errno.EAGAIN);
        }
        return family;
    }

    /** The request that registers (or deregisters) {@code cpus} for exit records, with an acknowledgement asked for. */
    static byte[] cpumask(int familyId, int attribute, String cpus, int seq) {
        return GenlEncoder.request(familyId, Netlink.NLM_F_ACK, Taskstats.TASKSTATS_CMD_GET, Taskstats.TASKSTATS_GENL_VERSION,
                attribute, GenlEncoder.cString(cpus), seq);
    }

    /** Sends the request and waits for its answer, passing over exit records; the errno refused, or 0. */
    private static int register(NetlinkSocket s, ReceiveBatch batch, int familyId, int attribute, String cpus)
            throws LinuxException {
        s.send(cpumask(familyId, attribute, cpus, 2 + attribute));
        Integer errno = KernelReply.await(s, batch, TRIES,
                (datagram, cursor) -> cursor.type() == Netlink.NLMSG_ERROR ? -cursor.errorCode() : null);
        return errno != null ? errno : Errno.EAGAIN;
    }
}
