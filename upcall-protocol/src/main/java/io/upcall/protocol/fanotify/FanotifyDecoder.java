package io.upcall.protocol.fanotify;

import static io.upcall.protocol.fanotify.Fanotify.FANOTIFY_METADATA_VERSION;
import static io.upcall.protocol.fanotify.Fanotify.FAN_EVENT_METADATA_LEN;

import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Decodes {@code struct fanotify_event_metadata} (quoted in {@link Fanotify}) from what one {@code read(2)} of a
 * fanotify fd returned: a run of events, each {@code event_len} long. Every read is bounds-checked first, so any
 * bytes give a result, never an exception.
 *
 * <p>Walk a buffer with {@link #eventLength} (the kernel's {@code FAN_EVENT_OK}/{@code FAN_EVENT_NEXT}); when it
 * returns -1 the rest of the buffer cannot be framed and {@link #decode} says why.
 */
public final class FanotifyDecoder {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private FanotifyDecoder() {}

    /**
     * {@code FAN_EVENT_OK}: the length of the event at {@code offset}, or -1 when fewer than
     * {@code FAN_EVENT_METADATA_LEN} bytes remain or {@code event_len} is shorter than that or runs past {@code end}.
     *
     * @param end where the bytes read end (exclusive)
     */
    public static int eventLength(MemorySegment data, long offset, long end) {
        long stop = Math.min(end, data.byteSize());
        if (offset < 0 || stop - offset < FAN_EVENT_METADATA_LEN) {
            return -1;
        }
        long len = Integer.toUnsignedLong(data.get(U32, offset));
        return len < FAN_EVENT_METADATA_LEN || len > stop - offset ? -1 : (int) len;
    }

    /**
     * Decodes the event at {@code offset}.
     *
     * @param end where the bytes read end (exclusive); offsets in results are relative to {@code data}
     * @return the event; {@code Skipped} for a metadata version this decoder does not know (its length is still
     *         good to step over it); {@code Malformed} when the event cannot be framed
     */
    public static DecodeResult<FanotifyEvent> decode(MemorySegment data, long offset, long end) {
        long stop = Math.min(end, data.byteSize());
        if (offset < 0 || stop - offset < FAN_EVENT_METADATA_LEN) {
            return DecodeResult.malformed("short_metadata", Math.max(0, offset), Math.max(0, stop - offset)
                    + " bytes cannot hold the " + FAN_EVENT_METADATA_LEN + "-byte fanotify_event_metadata");
        }
        long eventLen = Integer.toUnsignedLong(data.get(U32, offset));
        if (eventLen < FAN_EVENT_METADATA_LEN || eventLen > stop - offset) {
            return DecodeResult.malformed("event_len", offset, "event_len " + eventLen + " is outside "
                    + FAN_EVENT_METADATA_LEN + ".." + (stop - offset));
        }
        int vers = Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, offset + 4));
        if (vers != FANOTIFY_METADATA_VERSION) {
            return DecodeResult.skipped("fanotify metadata version " + vers + ", expected " + FANOTIFY_METADATA_VERSION);
        }
        int metadataLen = Short.toUnsignedInt(data.get(U16, offset + 6));
        if (metadataLen < FAN_EVENT_METADATA_LEN || metadataLen > eventLen) {
            return DecodeResult.malformed("metadata_len", offset + 6, "metadata_len " + metadataLen + " is outside "
                    + FAN_EVENT_METADATA_LEN + ".." + eventLen);
        }
        long mask = data.get(U64, offset + 8);
        int fd = data.get(U32, offset + 16);
        int pid = data.get(U32, offset + 20);
        return DecodeResult.decoded(new FanotifyEvent(offset, (int) eventLen, metadataLen, mask, fd, pid));
    }
}
