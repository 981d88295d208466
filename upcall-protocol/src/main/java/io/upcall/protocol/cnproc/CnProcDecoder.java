package io.upcall.protocol.cnproc;

import static io.upcall.protocol.cnproc.CnProc.*;

import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the payload of one proc-connector netlink message ({@code cn_msg} followed by
 * {@code proc_event}) into a {@link ProcEvent}. Every read is unaligned and bounds-checked first, so any
 * byte string yields a result, never an exception.
 */
public final class CnProcDecoder {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private CnProcDecoder() {}

    /**
     * @param data   the datagram (offsets in results are relative to it)
     * @param offset where the {@code cn_msg} starts (after the netlink header)
     * @param length bytes of payload ({@code nlmsg_len} minus the header)
     */
    public static DecodeResult<ProcEvent> decode(MemorySegment data, long offset, long length) {
        long end = Math.min(data.byteSize(), offset + length);
        if (offset < 0 || end - offset < CN_MSG_SIZE) {
            return DecodeResult.malformed("short_cn_msg", offset, "payload of " + Math.max(0, end - offset)
                    + " bytes cannot hold a 20-byte cn_msg");
        }
        int idx = data.get(U32, offset);
        int val = data.get(U32, offset + 4);
        if (idx != CN_IDX_PROC || val != CN_VAL_PROC) {
            return DecodeResult.skipped("connector id " + Integer.toUnsignedString(idx) + ":" + Integer.toUnsignedString(val)
                    + " is not the proc connector");
        }
        int seq = data.get(U32, offset + 8);
        int ack = data.get(U32, offset + 12);
        int dataLen = Short.toUnsignedInt(data.get(U16, offset + 16));
        long ev = offset + CN_MSG_SIZE;
        if (dataLen > end - ev) {
            return DecodeResult.malformed("cn_msg_len", offset + 16, "cn_msg.len " + dataLen + " runs past the message ("
                    + (end - ev) + " bytes left)");
        }
        if (dataLen < PROC_EVENT_HEADER_SIZE) {
            return DecodeResult.malformed("short_proc_event", ev, "cn_msg.len " + dataLen + " cannot hold a proc_event header");
        }
        int what = data.get(U32, ev);
        int cpu = data.get(U32, ev + 4);
        long ts = data.get(U64, ev + 8);
        long body = ev + PROC_EVENT_HEADER_SIZE;
        int need = bodySize(what);
        if (need < 0) {
            return DecodeResult.skipped("unknown proc_event what=0x" + Integer.toHexString(what));
        }
        if (dataLen - PROC_EVENT_HEADER_SIZE < need) {
            return DecodeResult.malformed("short_event_data", body, "event 0x" + Integer.toHexString(what) + " needs "
                    + need + " bytes of event_data, cn_msg.len leaves " + (dataLen - PROC_EVENT_HEADER_SIZE));
        }
        ProcEvent event = switch (what) {
            case PROC_EVENT_NONE -> new ProcEvent.Ack(cpu, ts, seq, ack, i32(data, body));
            case PROC_EVENT_FORK -> new ProcEvent.Fork(cpu, ts, seq, i32(data, body), i32(data, body + 4),
                    i32(data, body + 8), i32(data, body + 12));
            case PROC_EVENT_EXEC -> new ProcEvent.Exec(cpu, ts, seq, i32(data, body), i32(data, body + 4));
            case PROC_EVENT_UID -> new ProcEvent.Uid(cpu, ts, seq, i32(data, body), i32(data, body + 4),
                    i32(data, body + 8), i32(data, body + 12));
            case PROC_EVENT_GID -> new ProcEvent.Gid(cpu, ts, seq, i32(data, body), i32(data, body + 4),
                    i32(data, body + 8), i32(data, body + 12));
            case PROC_EVENT_SID -> new ProcEvent.Sid(cpu, ts, seq, i32(data, body), i32(data, body + 4));
            case PROC_EVENT_PTRACE -> new ProcEvent.Ptrace(cpu, ts, seq, i32(data, body), i32(data, body + 4),
                    i32(data, body + 8), i32(data, body + 12));
            case PROC_EVENT_COMM -> new ProcEvent.Comm(cpu, ts, seq, i32(data, body), i32(data, body + 4),
                    comm(data, body + 8));
            case PROC_EVENT_COREDUMP -> new ProcEvent.Coredump(cpu, ts, seq, i32(data, body), i32(data, body + 4),
                    i32(data, body + 8), i32(data, body + 12));
            case PROC_EVENT_EXIT -> new ProcEvent.Exit(cpu, ts, seq, i32(data, body), i32(data, body + 4),
                    i32(data, body + 8), i32(data, body + 12), i32(data, body + 16), i32(data, body + 20));
            default -> throw new AssertionError("bodySize covers every case");
        };
        return DecodeResult.decoded(event);
    }

    /** Bytes of {@code event_data} each event type needs, or -1 for a type this kernel does not send. */
    static int bodySize(int what) {
        return switch (what) {
            case PROC_EVENT_NONE -> 4;
            case PROC_EVENT_EXEC, PROC_EVENT_SID -> 8;
            case PROC_EVENT_FORK, PROC_EVENT_UID, PROC_EVENT_GID, PROC_EVENT_PTRACE, PROC_EVENT_COREDUMP -> 16;
            case PROC_EVENT_COMM -> 8 + TASK_COMM_LEN;
            case PROC_EVENT_EXIT -> 24;
            default -> -1;
        };
    }

    private static int i32(MemorySegment data, long at) {
        return data.get(U32, at);
    }

    private static String comm(MemorySegment data, long at) {
        byte[] bytes = new byte[TASK_COMM_LEN];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, bytes, 0, TASK_COMM_LEN);
        int n = 0;
        while (n < TASK_COMM_LEN && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
