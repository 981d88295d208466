package io.upcall.protocol.cnproc;

import io.upcall.protocol.netlink.Netlink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds the subscription messages a listener sends to the proc connector: a netlink header, a
 * {@code cn_msg} addressed to {@code CN_IDX_PROC/CN_VAL_PROC}, and either the classic 4-byte
 * {@code proc_cn_mcast_op} or, on Linux 6.6 and later, an 8-byte {@code proc_input} carrying an event mask
 * that the kernel applies before queueing.
 */
public final class CnProcEncoder {
    private CnProcEncoder() {}

    /** {@code PROC_CN_MCAST_LISTEN} (or {@code _IGNORE}) without a filter: every event type. */
    public static byte[] mcastOp(int op, int seq, int portId) {
        return message(seq, portId, 4, op, 0);
    }

    /** A {@code struct proc_input}: {@code op} with the kernel-side filter {@code eventMask}. */
    public static byte[] procInput(int op, int eventMask, int seq, int portId) {
        return message(seq, portId, 8, op, eventMask);
    }

    private static byte[] message(int seq, int portId, int dataLen, int op, int mask) {
        int total = Netlink.NLMSG_HDRLEN + CnProc.CN_MSG_SIZE + dataLen;
        ByteBuffer b = ByteBuffer.allocate((int) Netlink.align(total)).order(ByteOrder.nativeOrder());
        b.putInt(total).putShort((short) Netlink.NLMSG_DONE).putShort((short) 0).putInt(seq).putInt(portId);
        b.putInt(CnProc.CN_IDX_PROC).putInt(CnProc.CN_VAL_PROC).putInt(seq).putInt(0);
        b.putShort((short) dataLen).putShort((short) 0);
        b.putInt(op);
        if (dataLen == 8) {
            b.putInt(mask);
        }
        return b.array();
    }
}
