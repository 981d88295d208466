package io.upcall.protocol.fanotify;

import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the info records of one fanotify event: what follows {@code struct fanotify_event_metadata}
 * ({@code metadata_len} bytes) up to the event's {@code event_len}. Records are walked by their header's
 * {@code len}; a type this decoder does not know is passed over as {@link FanotifyInfo.Unknown}. Never throws on
 * the bytes: a record that breaks the format comes back malformed with its kind and the offset (from the start of
 * the event) where decoding gave up.
 */
public final class FanotifyInfoDecoder {
    private static final int INFO_HEADER_SIZE = Fanotify.FAN_EVENT_INFO_HEADER_LEN;
    /** Header and {@code __kernel_fsid_t}: where {@code struct file_handle} starts in a fid record. */
    static final int FID_HANDLE_OFFSET = 12;
    /** {@code handle_bytes} and {@code handle_type}: where {@code f_handle} starts in {@code struct file_handle}. */
    static final int FILE_HANDLE_HEADER = 8;
    /** {@code MAX_HANDLE_SZ} from {@code <linux/exportfs.h>}: no filesystem's handle is longer. */
    public static final int MAX_HANDLE_SZ = 128;

    private FanotifyInfoDecoder() {}

    /**
     * The records in {@code [offset, end)} of {@code event}, in order.
     *
     * @param event  the event, from its {@code fanotify_event_metadata}; offsets in results are from its start
     * @param offset where the first record starts ({@code metadata_len})
     * @param end    where the event ends ({@code event_len}); clipped to the segment
     */
    public static DecodeResult<List<FanotifyInfo>> decode(MemorySegment event, long offset, long end) {
        long limit = Math.min(event.byteSize(), end);
        List<FanotifyInfo> records = new ArrayList<>(3);
        long at = Math.max(0, offset);
        while (at < limit) {
            if (limit - at < INFO_HEADER_SIZE) {
                return DecodeResult.malformed("short_info_header", at, (limit - at) + " bytes left, a record header needs 4");
            }
            int type = Byte.toUnsignedInt(event.get(ValueLayout.JAVA_BYTE, at));
            int len = Short.toUnsignedInt(event.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2));
            if (len < INFO_HEADER_SIZE) {
                return DecodeResult.malformed("short_info_record", at, "record of type " + type + " says it is " + len + " bytes");
            }
            if (len > limit - at) {
                return DecodeResult.malformed("info_overrun", at, "record of type " + type + " of " + len
                        + " bytes runs past the event's end (" + (limit - at) + " bytes left)");
            }
            DecodeResult<FanotifyInfo> one = record(event, at, type, len);
            if (!(one instanceof DecodeResult.Decoded<FanotifyInfo>(FanotifyInfo info))) {
                DecodeResult.Malformed<FanotifyInfo> m = (DecodeResult.Malformed<FanotifyInfo>) one;
                return DecodeResult.malformed(m.kind(), m.offset(), m.detail());
            }
            records.add(info);
            at += len;
        }
        return DecodeResult.decoded(records);
    }

    private static DecodeResult<FanotifyInfo> record(MemorySegment event, long at, int type, int len) {
        int offset = (int) at;
        return switch (type) {
            case Fanotify.FAN_EVENT_INFO_TYPE_FID, Fanotify.FAN_EVENT_INFO_TYPE_DFID ->
                    fid(event, at, type, len, false);
            case Fanotify.FAN_EVENT_INFO_TYPE_DFID_NAME, Fanotify.FAN_EVENT_INFO_TYPE_OLD_DFID_NAME,
                    Fanotify.FAN_EVENT_INFO_TYPE_NEW_DFID_NAME -> fid(event, at, type, len, true);
            case Fanotify.FAN_EVENT_INFO_TYPE_PIDFD -> len < 8
                    ? DecodeResult.malformed("short_pidfd_record", at, "a pidfd record needs 8 bytes, has " + len)
                    : DecodeResult.decoded(new FanotifyInfo.Pidfd(type, offset, event.get(ValueLayout.JAVA_INT_UNALIGNED, at + 4)));
            case Fanotify.FAN_EVENT_INFO_TYPE_ERROR -> len < 12
                    ? DecodeResult.malformed("short_error_record", at, "an error record needs 12 bytes, has " + len)
                    : DecodeResult.decoded(new FanotifyInfo.Error(type, offset, event.get(ValueLayout.JAVA_INT_UNALIGNED, at + 4),
                            Integer.toUnsignedLong(event.get(ValueLayout.JAVA_INT_UNALIGNED, at + 8))));
            case Fanotify.FAN_EVENT_INFO_TYPE_RANGE -> len < 24
                    ? DecodeResult.malformed("short_range_record", at, "a range record needs 24 bytes, has " + len)
                    : DecodeResult.decoded(new FanotifyInfo.Range(type, offset, event.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 8),
                            event.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 16)));
            case Fanotify.FAN_EVENT_INFO_TYPE_MNT -> len < 12
                    ? DecodeResult.malformed("short_mnt_record", at, "a mount record needs 12 bytes, has " + len)
                    : DecodeResult.decoded(new FanotifyInfo.Mount(type, offset, event.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 4)));
            default -> DecodeResult.decoded(new FanotifyInfo.Unknown(type, offset, len));
        };
    }

    private static DecodeResult<FanotifyInfo> fid(MemorySegment event, long at, int type, int len, boolean named) {
        if (len < FID_HANDLE_OFFSET + FILE_HANDLE_HEADER) {
            return DecodeResult.malformed("short_fid_record", at, "a fid record needs 20 bytes before its handle, has " + len);
        }
        long fsid = Integer.toUnsignedLong(event.get(ValueLayout.JAVA_INT_UNALIGNED, at + 4))
                | (long) event.get(ValueLayout.JAVA_INT_UNALIGNED, at + 8) << 32;
        long handleAt = at + FID_HANDLE_OFFSET;
        long handleBytes = Integer.toUnsignedLong(event.get(ValueLayout.JAVA_INT_UNALIGNED, handleAt));
        int handleType = event.get(ValueLayout.JAVA_INT_UNALIGNED, handleAt + 4);
        long dataAt = handleAt + FILE_HANDLE_HEADER;
        if (handleBytes > MAX_HANDLE_SZ || dataAt + handleBytes > at + len) {
            return DecodeResult.malformed("handle_overrun", handleAt, "file handle of " + handleBytes
                    + " bytes does not fit its record of " + len + " bytes (or exceeds MAX_HANDLE_SZ)");
        }
        byte[] handle = new byte[(int) handleBytes];
        MemorySegment.copy(event, ValueLayout.JAVA_BYTE, dataAt, handle, 0, handle.length);
        byte[] name = null;
        if (named) {
            long nameAt = dataAt + handleBytes;
            long nul = nameAt;
            while (nul < at + len && event.get(ValueLayout.JAVA_BYTE, nul) != 0) {
                nul++;
            }
            if (nul >= at + len) {
                return DecodeResult.malformed("unterminated_name", nameAt, "the entry name has no NUL inside its record");
            }
            name = new byte[(int) (nul - nameAt)];
            MemorySegment.copy(event, ValueLayout.JAVA_BYTE, nameAt, name, 0, name.length);
        }
        return DecodeResult.decoded(new FanotifyInfo.Fid(type, (int) at, fsid, handleType, handle, name));
    }

    static void putInt(byte[] b, int at, int v) {
        MemorySegment.ofArray(b).set(ValueLayout.JAVA_INT_UNALIGNED, at, v);
    }
}
