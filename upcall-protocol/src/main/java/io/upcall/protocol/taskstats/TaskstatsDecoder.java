package io.upcall.protocol.taskstats;

import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.genl.Genl;
import io.upcall.protocol.netlink.AttributeCursor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes {@code TASKSTATS} messages and {@code struct taskstats} by the struct's own version, never by the size
 * of the running kernel's struct ({@link TaskstatsField} has the layout). Never throws: malformed input comes back
 * with its kind and the offset (from the start of the segment given) where decoding gave up.
 */
public final class TaskstatsDecoder {
    private static final TaskstatsField[] FIELDS = TaskstatsField.values();
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private TaskstatsDecoder() {}

    /** A message's payload after its {@code nlmsghdr}: {@code genlmsghdr}, then the aggregates. */
    public static DecodeResult<TaskstatsReply> decode(MemorySegment segment, long offset, long length) {
        long end = Math.min(segment.byteSize(), offset + Math.max(0, length));
        if (offset < 0 || end - offset < Genl.GENL_HDRLEN) {
            return DecodeResult.malformed("short_genl_header", Math.max(0, Math.min(offset, segment.byteSize())),
                    "a genlmsghdr needs 4 bytes");
        }
        int cmd = Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, offset));
        List<TaskstatsReply.Aggregate> aggregates = new ArrayList<>(2);
        AttributeCursor attrs = new AttributeCursor().reset(segment, offset + Genl.GENL_HDRLEN, end - offset - Genl.GENL_HDRLEN);
        AttributeCursor inner = new AttributeCursor();
        while (attrs.next()) {
            int type = attrs.type();
            if (type != Taskstats.TASKSTATS_TYPE_AGGR_PID && type != Taskstats.TASKSTATS_TYPE_AGGR_TGID) {
                continue; // TASKSTATS_TYPE_NULL pads for alignment; anything newer is not ours to read
            }
            boolean group = type == Taskstats.TASKSTATS_TYPE_AGGR_TGID;
            int id = -1;
            TaskStats stats = null;
            inner.reset(segment, attrs.valueOffset(), attrs.valueLength());
            while (inner.next()) {
                int t = inner.type();
                if (t == Taskstats.TASKSTATS_TYPE_PID || t == Taskstats.TASKSTATS_TYPE_TGID) {
                    if (inner.valueLength() < 4) {
                        return DecodeResult.malformed("short_id", inner.offset(), "a pid or tgid attribute needs a u32");
                    }
                    id = segment.get(ValueLayout.JAVA_INT_UNALIGNED, inner.valueOffset());
                } else if (t == Taskstats.TASKSTATS_TYPE_STATS) {
                    switch (decodeStats(segment, inner.valueOffset(), inner.valueLength())) {
                        case DecodeResult.Decoded<TaskStats> d -> stats = d.value();
                        case DecodeResult.Malformed<TaskStats> m -> {
                            return DecodeResult.malformed(m.kind(), m.offset(), m.detail());
                        }
                        case DecodeResult.Skipped<TaskStats> s -> {
                            return DecodeResult.skipped(s.reason());
                        }
                    }
                }
            }
            if (inner.malformedKind() != null) {
                return DecodeResult.malformed(inner.malformedKind(), inner.offset(), "aggregate attributes do not parse");
            }
            if (id < 0 || stats == null) {
                return DecodeResult.malformed("incomplete_aggregate", attrs.offset(),
                        (group ? "AGGR_TGID" : "AGGR_PID") + " without " + (id < 0 ? "an id" : "stats"));
            }
            aggregates.add(new TaskstatsReply.Aggregate(group, id, stats));
        }
        if (attrs.malformedKind() != null) {
            return DecodeResult.malformed(attrs.malformedKind(), attrs.offset(), "taskstats attributes do not parse");
        }
        return DecodeResult.decoded(new TaskstatsReply(cmd, aggregates));
    }

    /**
     * One {@code struct taskstats} at {@code [offset, offset + length)}: the fields its version carries. Version 15
     * (delay max/min inserted in the middle, withdrawn by 16) is skipped as a layout not to be trusted; versions above
     * 16 are read as 16, since they may only append.
     */
    public static DecodeResult<TaskStats> decodeStats(MemorySegment segment, long offset, long length) {
        long size = Math.min(Math.max(0, length), Math.max(0, segment.byteSize() - Math.max(0, offset)));
        if (offset < 0 || size < 2) {
            return DecodeResult.malformed("short_stats", Math.max(0, Math.min(offset, segment.byteSize())),
                    "struct taskstats needs at least its version");
        }
        int version = Short.toUnsignedInt(segment.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset));
        if (version == 0) {
            return DecodeResult.malformed("bad_version", offset, "struct taskstats version 0");
        }
        if (version == 15) {
            return DecodeResult.skipped("struct taskstats version 15: delay max/min sat mid-struct in two different "
                    + "layouts; version 16 fixed it");
        }
        // The struct in one copy, as 64-bit words in native order: a field is then a shift and a mask of a word, not a
        // bounds-checked memory access of its own (some 70 per record, on every exit).
        int copied = (int) Math.min(size, TaskstatsField.V16_SIZE) & ~7;
        long[] words = new long[copied >> 3];
        MemorySegment.copy(segment, ValueLayout.JAVA_LONG_UNALIGNED, offset, words, 0, words.length);
        long[] values = new long[FIELDS.length];
        boolean[] present = new boolean[FIELDS.length];
        for (TaskstatsField f : FIELDS) {
            long at = version == 1 ? f.offsetInVersion1() : f.offset();
            if (at < 0 || f.since() > version) {
                continue;
            }
            int width = f.width();
            if (at + width > size) {
                boolean marked = version >= 10 || f.offset() >= TaskstatsField.UNMARKED_END;
                if (marked) {
                    return DecodeResult.malformed("short_stats", offset + Math.min(size, at), "struct taskstats version "
                            + version + " of " + size + " bytes ends before " + f.kernelName());
                }
                continue; // versions 2..9 grew without marks: the attribute's size says what this one had
            }
            if (at + width <= copied && (at & 7) + width <= 8) {
                values[f.ordinal()] = unsigned(words, (int) at, width);
            } else {
                values[f.ordinal()] = switch (width) {
                    case 1 -> Byte.toUnsignedLong(segment.get(ValueLayout.JAVA_BYTE, offset + at));
                    case 4 -> Integer.toUnsignedLong(segment.get(ValueLayout.JAVA_INT_UNALIGNED, offset + at));
                    default -> segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + at);
                };
            }
            present[f.ordinal()] = true;
        }
        String comm = null;
        int commAt = TaskstatsField.AC_COMM_OFFSET;
        if (version >= 2 && size >= commAt + Taskstats.TS_COMM_LEN) {
            byte[] bytes = new byte[Taskstats.TS_COMM_LEN];
            int n = 0;
            while (n < Taskstats.TS_COMM_LEN) {
                byte b = (byte) unsigned(words, commAt + n, 1); // within the copy: 112 <= size, rounded down to 8
                if (b == 0) {
                    break;
                }
                bytes[n++] = b;
            }
            comm = new String(bytes, 0, n, StandardCharsets.UTF_8);
        }
        return DecodeResult.decoded(new TaskStats(version, comm, values, present));
    }

    /** The {@code width}-byte unsigned value at byte {@code at} of {@code words} (native order), within one word. */
    private static long unsigned(long[] words, int at, int width) {
        long word = words[at >>> 3];
        if (width == 8) {
            return word;
        }
        int shift = 8 * (LITTLE_ENDIAN ? at & 7 : 8 - (at & 7) - width);
        return (word >>> shift) & (width == 4 ? 0xffff_ffffL : 0xffL);
    }
}
