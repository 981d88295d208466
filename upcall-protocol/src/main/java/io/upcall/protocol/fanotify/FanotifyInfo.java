package io.upcall.protocol.fanotify;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One info record that follows {@code struct fanotify_event_metadata} in an event read from a fanotify group
 * ({@code FAN_REPORT_FID}, {@code FAN_REPORT_DFID_NAME}, {@code FAN_REPORT_PIDFD}, ...). Every record starts with
 * <pre>{@code
 * struct fanotify_event_info_header {
 *     __u8 info_type;   // FAN_EVENT_INFO_TYPE_*
 *     __u8 pad;
 *     __u16 len;        // the whole record, header included, 4-aligned
 * };
 * }</pre>
 * {@link #offset()} is where the record starts, from the start of the event.
 */
public sealed interface FanotifyInfo {

    /** {@code info_type}. */
    int type();

    /** Where the record starts, from the start of the event. */
    int offset();

    /**
     * A file identifier: {@code FAN_EVENT_INFO_TYPE_FID} (the object), {@code DFID} (its directory),
     * {@code DFID_NAME}, {@code OLD_DFID_NAME}, {@code NEW_DFID_NAME} (a directory and an entry's name in it).
     * <pre>{@code
     * struct fanotify_event_info_fid {
     *     struct fanotify_event_info_header hdr;
     *     __kernel_fsid_t fsid;          // int val[2]: the filesystem, as statfs(2) f_fsid
     *     unsigned char handle[];        // struct file_handle { __u32 handle_bytes; int handle_type;
     * };                                 //                      unsigned char f_handle[handle_bytes]; }
     *                                    // then, for the *_NAME types, the entry's name and a NUL
     * }</pre>
     *
     * @param fsid       {@code fsid.val[0]} in the low 32 bits, {@code val[1]} in the high
     * @param handleType {@code file_handle.handle_type}
     * @param handle     {@code f_handle}, {@code handle_bytes} long
     * @param name       the entry's name without its NUL, as the kernel gave it (any bytes but '/' and NUL); null
     *                   for {@code FID} and {@code DFID}
     */
    record Fid(int type, int offset, long fsid, int handleType, byte[] handle, byte[] name) implements FanotifyInfo {

        /** {@code struct file_handle} as {@code open_by_handle_at(2)} takes it: 8 bytes of header, then the handle. */
        public byte[] fileHandle() {
            byte[] fh = new byte[8 + handle.length];
            FanotifyInfoDecoder.putInt(fh, 0, handle.length);
            FanotifyInfoDecoder.putInt(fh, 4, handleType);
            System.arraycopy(handle, 0, fh, 8, handle.length);
            return fh;
        }

        /** The name as text (bytes that are not UTF-8 become U+FFFD), or null. */
        public String nameText() {
            return name == null ? null : new String(name, StandardCharsets.UTF_8);
        }

        /** True for the records that name a directory entry ({@code DFID_NAME}, {@code OLD_DFID_NAME}, {@code NEW_DFID_NAME}). */
        public boolean hasName() {
            return name != null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Fid f && f.type == type && f.offset == offset && f.fsid == fsid && f.handleType == handleType
                    && Arrays.equals(f.handle, handle) && Arrays.equals(f.name, name);
        }

        @Override
        public int hashCode() {
            return (31 * Long.hashCode(fsid) + Arrays.hashCode(handle)) * 31 + Arrays.hashCode(name) + type;
        }

        @Override
        public String toString() {
            return "Fid[type=" + type + ", fsid=" + Long.toHexString(fsid) + ", handleType=" + handleType + ", handle="
                    + handle.length + " bytes" + (name == null ? "" : ", name=" + nameText()) + "]";
        }
    }

    /**
     * {@code FAN_EVENT_INFO_TYPE_PIDFD}: a pidfd the kernel opened in the reader's process for the event's process,
     * which the reader must close.
     * <pre>{@code
     * struct fanotify_event_info_pidfd {
     *     struct fanotify_event_info_header hdr;
     *     __s32 pidfd;                   // FAN_NOPIDFD (-1): the process was gone; FAN_EPIDFD (-2): the kernel failed
     * };
     * }</pre>
     */
    record Pidfd(int type, int offset, int pidfd) implements FanotifyInfo {}

    /**
     * {@code FAN_EVENT_INFO_TYPE_ERROR}, with {@code FAN_FS_ERROR}:
     * <pre>{@code
     * struct fanotify_event_info_error {
     *     struct fanotify_event_info_header hdr;
     *     __s32 error;                   // the first error's errno
     *     __u32 error_count;             // errors since the last read
     * };
     * }</pre>
     */
    record Error(int type, int offset, int error, long errorCount) implements FanotifyInfo {}

    /**
     * {@code FAN_EVENT_INFO_TYPE_RANGE} (pre-content events, Linux 6.14+):
     * <pre>{@code
     * struct fanotify_event_info_range {
     *     struct fanotify_event_info_header hdr;
     *     __u32 pad;
     *     __u64 offset;
     *     __u64 count;
     * };
     * }</pre>
     */
    record Range(int type, int offset, long start, long count) implements FanotifyInfo {}

    /**
     * {@code FAN_EVENT_INFO_TYPE_MNT} (mount events, Linux 6.15+):
     * <pre>{@code
     * struct fanotify_event_info_mnt {
     *     struct fanotify_event_info_header hdr;
     *     __u64 mnt_id;
     * };
     * }</pre>
     */
    record Mount(int type, int offset, long mountId) implements FanotifyInfo {}

    /** A record of a type this decoder does not know (a later kernel's), passed over by its {@code len}. */
    record Unknown(int type, int offset, int length) implements FanotifyInfo {}
}
