package io.upcall.core.acct;

import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.linux.ReceiveBatch;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.genl.GenlEncoder;
import io.upcall.protocol.genl.GenlFamily;
import io.upcall.protocol.netlink.Netlink;
import io.upcall.protocol.taskstats.Taskstats;
import io.upcall.protocol.taskstats.TaskstatsDecoder;
import io.upcall.protocol.taskstats.TaskstatsReply;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;

/**
 * The kernel's figures for a task that still runs ({@code TASKSTATS_CMD_GET}), asked on a socket of its own: a task's
 * ({@code TASKSTATS_CMD_ATTR_PID}, every figure) or its thread group's ({@code TASKSTATS_CMD_ATTR_TGID}: the kernel
 * sums CPU times, switches and delays over the threads, and carries no identity). The record's type is {@code query}.
 */
public final class TaskstatsQuery {
    public static final String QUERY = "query";
    private static final int TRIES = 20;

    private TaskstatsQuery() {}

    /**
     * @param pid         the task (or, with {@code threadGroup}, the thread group) to ask about
     * @throws LinuxException {@code ESRCH} when no such task runs; the kernel's refusal otherwise
     */
    public static AcctEvent query(int pid, boolean threadGroup) throws LinuxException {
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_GENERIC);
                ReceiveBatch batch = new ReceiveBatch(1, 8192)) {
            s.bind(0);
            s.setReceiveTimeout(100);
            GenlFamily family = TaskstatsFamily.resolve(s, batch);
            byte[] id = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(pid).array();
            s.send(GenlEncoder.request(family.id(), 0, Taskstats.TASKSTATS_CMD_GET, Taskstats.TASKSTATS_GENL_VERSION,
                    threadGroup ? Taskstats.TASKSTATS_CMD_ATTR_TGID : Taskstats.TASKSTATS_CMD_ATTR_PID, id, 9));
            String what = "TASKSTATS_CMD_GET(" + (threadGroup ? "tgid " : "pid ") + pid + ")";
            AcctEvent answer = KernelReply.await(s, batch, TRIES, (datagram, cursor) -> {
                if (cursor.type() == Netlink.NLMSG_ERROR && cursor.errorCode() < 0) {
                    throw new LinuxException(what, -cursor.errorCode());
                }
                if (cursor.type() == family.id() && TaskstatsDecoder.decode(datagram, cursor.payloadOffset(),
                        cursor.payloadLength()) instanceof DecodeResult.Decoded<TaskstatsReply> d
                        && !d.value().aggregates().isEmpty()) {
                    return new AcctEvent(Instant.now(), QUERY, d.value().aggregates().getFirst().stats(), 1);
                }
                return null;
            });
            if (answer == null) {
                throw new LinuxException(what + ": no answer", Errno.EAGAIN);
            }
            return answer;
        }
    }
}
