package io.upcall.core.acct;

import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.linux.ReceiveBatch;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.lang.foreign.MemorySegment;

/**
 * Waits for the kernel's answer to a generic netlink request on a socket of one's own: up to {@code tries} receives
 * (each bounded by the socket's receive timeout), datagrams from anyone but the kernel passed over, each frame of the
 * kernel's offered to {@link Frame#answer} until one is the answer.
 */
final class KernelReply {
    private KernelReply() {}

    /** Looks at one netlink frame. */
    @FunctionalInterface
    interface Frame<T> {
        /** @return the answer when this frame is it, else null; throws when the frame is a refusal */
        T answer(MemorySegment datagram, NetlinkCursor cursor) throws LinuxException;
    }

    /** @return the first answer, or null when none came within {@code tries} receives */
    static <T> T await(NetlinkSocket s, ReceiveBatch batch, int tries, Frame<T> frame) throws LinuxException {
        NetlinkCursor cursor = new NetlinkCursor();
        for (int i = 0; i < tries; i++) {
            if (s.receive(batch, true) < 1 || batch.senderPort(0) != 0) {
                continue;
            }
            MemorySegment datagram = batch.data(0);
            cursor.reset(datagram);
            while (cursor.next()) {
                T answer = frame.answer(datagram, cursor);
                if (answer != null) {
                    return answer;
                }
            }
        }
        return null;
    }
}
