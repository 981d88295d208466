package io.upcall.protocol.fanotify;

/**
 * One {@code struct fanotify_event_metadata} (quoted in {@link Fanotify}), with where its info records lie in the
 * buffer it was read into. Decoding the info records ({@code FID}, {@code DFID_NAME}, {@code PIDFD}, ...) is left to
 * whoever asked for them with {@code FAN_REPORT_*}: they start at {@link #infoOffset()}.
 *
 * @param offset      where the event starts in the buffer
 * @param eventLength {@code event_len}: the metadata and its info records
 * @param metadataLength {@code metadata_len}
 * @param mask        {@code mask}: the {@code FAN_*} event bits
 * @param fd          {@code fd}: an fd on the object that the reader now owns and must close, or {@code FAN_NOFD}
 *                    ({@code -1}); for a permission event it is also the key of the answer
 * @param pid         {@code pid}: the acting process (or thread, with {@code FAN_REPORT_TID}); 0 when unknown
 */
public record FanotifyEvent(long offset, int eventLength, int metadataLength, long mask, int fd, int pid) {

    /** Where the info records start. */
    public long infoOffset() {
        return offset + metadataLength;
    }

    /** Bytes of info records ({@code event_len - metadata_len}). */
    public int infoLength() {
        return eventLength - metadataLength;
    }

    /** True when the kernel waits for an answer to this event. */
    public boolean isPermission() {
        return Fanotify.isPermission(mask);
    }

    /** True for {@code FAN_Q_OVERFLOW}: the kernel's queue was full and events were dropped. */
    public boolean isOverflow() {
        return (mask & Fanotify.FAN_Q_OVERFLOW) != 0;
    }

    /** True when the event carries an fd the reader must close (and, for a permission event, answer). */
    public boolean hasFd() {
        return fd >= 0;
    }
}
