package io.upcall.protocol.audit;

import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.netlink.Netlink;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The kernel's audit status, the answer to {@code AUDIT_GET} and the body of {@code AUDIT_SET}:
 * <pre>{@code
 * struct audit_status {
 *     __u32 mask;                     //  0: bit mask for valid entries (AUDIT_STATUS_*)
 *     __u32 enabled;                  //  4: 1 = enabled, 0 = disabled, 2 = locked
 *     __u32 failure;                  //  8: failure-to-log action
 *     __u32 pid;                      // 12: pid of the audit daemon
 *     __u32 rate_limit;               // 16: messages rate limit (per second)
 *     __u32 backlog_limit;            // 20: waiting messages limit
 *     __u32 lost;                     // 24: messages lost
 *     __u32 backlog;                  // 28: messages waiting in queue
 *     union {
 *         __u32 version;              // 32: deprecated: audit api version num
 *         __u32 feature_bitmap;       //     bitmap of kernel audit features
 *     };
 *     __u32 backlog_wait_time;        // 36: message queue wait timeout
 *     __u32 backlog_wait_time_actual; // 40: time spent waiting while message limit exceeded (Linux 5.9+)
 * };                                  // 44 bytes (40 before 5.9)
 * }</pre>
 * Unsigned fields are held in {@code long}s.
 */
public record AuditStatus(long mask, long enabled, long failure, long pid, long rateLimit, long backlogLimit, long lost,
        long backlog, long featureBitmap, long backlogWaitTime, long backlogWaitTimeActual) {
    public static final int SIZE = 44;
    /** The struct before Linux 5.9, without {@code backlog_wait_time_actual}. */
    public static final int MIN_SIZE = 40;

    public static final int AUDIT_STATUS_ENABLED = 0x0001;
    public static final int AUDIT_STATUS_FAILURE = 0x0002;
    public static final int AUDIT_STATUS_PID = 0x0004;
    public static final int AUDIT_STATUS_RATE_LIMIT = 0x0008;
    public static final int AUDIT_STATUS_BACKLOG_LIMIT = 0x0010;
    public static final int AUDIT_STATUS_BACKLOG_WAIT_TIME = 0x0020;
    public static final int AUDIT_STATUS_LOST = 0x0040;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;

    /** Decodes the struct in {@code data[offset, offset + length)}; 40 bytes (older kernels) or more. */
    public static DecodeResult<AuditStatus> decode(MemorySegment data, long offset, long length) {
        long available = Math.min(length, data.byteSize() - offset);
        if (offset < 0 || available < MIN_SIZE) {
            return DecodeResult.malformed("short_audit_status", Math.max(0, offset), Math.max(0, available)
                    + " bytes, struct audit_status needs " + MIN_SIZE);
        }
        long[] v = new long[11];
        for (int i = 0; i < v.length; i++) {
            v[i] = 4L * (i + 1) <= available ? Integer.toUnsignedLong(data.get(U32, offset + 4L * i)) : 0;
        }
        return DecodeResult.decoded(new AuditStatus(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]));
    }

    /** The struct's 44 bytes in host order, as {@code AUDIT_SET} sends them. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        for (long v : new long[] {mask, enabled, failure, pid, rateLimit, backlogLimit, lost, backlog, featureBitmap,
                backlogWaitTime, backlogWaitTimeActual}) {
            b.putInt((int) v);
        }
        return b.array();
    }

    /** An {@code AUDIT_SET} body changing only the enabled flag. */
    public static AuditStatus setEnabled(long enabled) {
        return new AuditStatus(AUDIT_STATUS_ENABLED, enabled, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** An {@code AUDIT_SET} body restoring the flag and limits of {@code before}. */
    public static AuditStatus restoring(AuditStatus before) {
        return new AuditStatus(AUDIT_STATUS_ENABLED | AUDIT_STATUS_RATE_LIMIT | AUDIT_STATUS_BACKLOG_LIMIT,
                before.enabled, 0, 0, before.rateLimit, before.backlogLimit, 0, 0, 0, 0, 0);
    }

    /** A request to the kernel: {@code nlmsghdr} with {@code NLM_F_REQUEST | NLM_F_ACK} and {@code body}. */
    public static byte[] request(int type, int seq, byte[] body) {
        int total = Netlink.NLMSG_HDRLEN + body.length;
        ByteBuffer b = ByteBuffer.allocate((int) Netlink.align(total)).order(ByteOrder.nativeOrder());
        b.putInt(total).putShort((short) type).putShort((short) (Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK)).putInt(seq)
                .putInt(0).put(body);
        return b.array();
    }

    /** {@code AUDIT_GET}: asks for the status. */
    public static byte[] getRequest(int seq) {
        return request(Audit.AUDIT_GET, seq, new byte[0]);
    }

    /** {@code AUDIT_SET} with this status's {@link #mask} saying which fields to change. */
    public byte[] setRequest(int seq) {
        return request(Audit.AUDIT_SET, seq, encode());
    }
}
