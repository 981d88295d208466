package io.upcall.protocol.fanotify;

/**
 * Constants of {@code <linux/fanotify.h>} as of Linux 6.18, in the kernel's spelling.
 *
 * <pre>{@code
 * struct fanotify_event_metadata {      // 24 bytes, FAN_EVENT_METADATA_LEN
 *     __u32 event_len;                  //  0: this event with its info records
 *     __u8  vers;                       //  4: FANOTIFY_METADATA_VERSION
 *     __u8  reserved;                   //  5
 *     __u16 metadata_len;               //  6: where the info records start
 *     __aligned_u64 mask;               //  8: FAN_* event bits
 *     __s32 fd;                         // 16: an open fd on the object, FAN_NOFD with FAN_REPORT_FID
 *     __s32 pid;                        // 20: the acting process (a thread with FAN_REPORT_TID)
 * };
 * struct fanotify_event_info_header { __u8 info_type; __u8 pad; __u16 len; };
 * struct fanotify_response { __s32 fd; __u32 response; };   // 8 bytes, written to answer a _PERM event
 * }</pre>
 */
public final class Fanotify {
    // Events user space can register for (the mask of fanotify_mark, the mask of an event).
    public static final long FAN_ACCESS = 0x00000001L;
    public static final long FAN_MODIFY = 0x00000002L;
    public static final long FAN_ATTRIB = 0x00000004L;
    public static final long FAN_CLOSE_WRITE = 0x00000008L;
    public static final long FAN_CLOSE_NOWRITE = 0x00000010L;
    public static final long FAN_OPEN = 0x00000020L;
    public static final long FAN_MOVED_FROM = 0x00000040L;
    public static final long FAN_MOVED_TO = 0x00000080L;
    public static final long FAN_CREATE = 0x00000100L;
    public static final long FAN_DELETE = 0x00000200L;
    public static final long FAN_DELETE_SELF = 0x00000400L;
    public static final long FAN_MOVE_SELF = 0x00000800L;
    public static final long FAN_OPEN_EXEC = 0x00001000L;
    public static final long FAN_Q_OVERFLOW = 0x00004000L;
    public static final long FAN_FS_ERROR = 0x00008000L;
    public static final long FAN_OPEN_PERM = 0x00010000L;
    public static final long FAN_ACCESS_PERM = 0x00020000L;
    public static final long FAN_OPEN_EXEC_PERM = 0x00040000L;
    public static final long FAN_EVENT_ON_CHILD = 0x08000000L;
    public static final long FAN_RENAME = 0x10000000L;
    public static final long FAN_ONDIR = 0x40000000L;
    public static final long FAN_CLOSE = FAN_CLOSE_WRITE | FAN_CLOSE_NOWRITE;
    public static final long FAN_MOVE = FAN_MOVED_FROM | FAN_MOVED_TO;
    /** The events that wait for an answer ({@code FANOTIFY_PERM_EVENTS} in the kernel's own header). */
    public static final long PERM_EVENTS = FAN_OPEN_PERM | FAN_ACCESS_PERM | FAN_OPEN_EXEC_PERM;

    // fanotify_init() flags.
    public static final int FAN_CLOEXEC = 0x00000001;
    public static final int FAN_NONBLOCK = 0x00000002;
    /** The three classes are not bits: one of them. Permission events need CONTENT or PRE_CONTENT. */
    public static final int FAN_CLASS_NOTIF = 0x00000000;
    public static final int FAN_CLASS_CONTENT = 0x00000004;
    public static final int FAN_CLASS_PRE_CONTENT = 0x00000008;
    public static final int FAN_UNLIMITED_QUEUE = 0x00000010;
    public static final int FAN_UNLIMITED_MARKS = 0x00000020;
    public static final int FAN_ENABLE_AUDIT = 0x00000040;
    public static final int FAN_REPORT_PIDFD = 0x00000080;
    public static final int FAN_REPORT_TID = 0x00000100;
    public static final int FAN_REPORT_FID = 0x00000200;
    public static final int FAN_REPORT_DIR_FID = 0x00000400;
    public static final int FAN_REPORT_NAME = 0x00000800;
    public static final int FAN_REPORT_TARGET_FID = 0x00001000;
    public static final int FAN_REPORT_DFID_NAME = FAN_REPORT_DIR_FID | FAN_REPORT_NAME;
    public static final int FAN_REPORT_DFID_NAME_TARGET = FAN_REPORT_DFID_NAME | FAN_REPORT_FID | FAN_REPORT_TARGET_FID;

    // fanotify_mark() flags.
    public static final int FAN_MARK_ADD = 0x00000001;
    public static final int FAN_MARK_REMOVE = 0x00000002;
    public static final int FAN_MARK_DONT_FOLLOW = 0x00000004;
    public static final int FAN_MARK_ONLYDIR = 0x00000008;
    public static final int FAN_MARK_IGNORED_MASK = 0x00000020;
    public static final int FAN_MARK_IGNORED_SURV_MODIFY = 0x00000040;
    public static final int FAN_MARK_FLUSH = 0x00000080;
    public static final int FAN_MARK_EVICTABLE = 0x00000200;
    /** Linux 6.0+; mutually exclusive with {@link #FAN_MARK_IGNORED_MASK}. */
    public static final int FAN_MARK_IGNORE = 0x00000400;
    /** Not bits: the mark's object. */
    public static final int FAN_MARK_INODE = 0x00000000;
    public static final int FAN_MARK_MOUNT = 0x00000010;
    public static final int FAN_MARK_FILESYSTEM = 0x00000100;
    public static final int FAN_MARK_IGNORE_SURV = FAN_MARK_IGNORE | FAN_MARK_IGNORED_SURV_MODIFY;

    public static final int FANOTIFY_METADATA_VERSION = 3;
    /** {@code sizeof(struct fanotify_event_metadata)}. */
    public static final int FAN_EVENT_METADATA_LEN = 24;
    public static final int FAN_EVENT_INFO_HEADER_LEN = 4;

    public static final int FAN_EVENT_INFO_TYPE_FID = 1;
    public static final int FAN_EVENT_INFO_TYPE_DFID_NAME = 2;
    public static final int FAN_EVENT_INFO_TYPE_DFID = 3;
    public static final int FAN_EVENT_INFO_TYPE_PIDFD = 4;
    public static final int FAN_EVENT_INFO_TYPE_ERROR = 5;
    /** Pre-content events' file range (Linux 6.14+). */
    public static final int FAN_EVENT_INFO_TYPE_RANGE = 6;
    /** Mount events' mount id (Linux 6.15+). */
    public static final int FAN_EVENT_INFO_TYPE_MNT = 7;
    public static final int FAN_EVENT_INFO_TYPE_OLD_DFID_NAME = 10;
    public static final int FAN_EVENT_INFO_TYPE_NEW_DFID_NAME = 12;

    /** {@code sizeof(struct fanotify_response)}. */
    public static final int FAN_RESPONSE_LEN = 8;
    public static final int FAN_ALLOW = 0x01;
    public static final int FAN_DENY = 0x02;
    /** A bit on a response: the kernel writes an audit record of the verdict. */
    public static final int FAN_AUDIT = 0x10;

    public static final int FAN_NOFD = -1;
    public static final int FAN_NOPIDFD = FAN_NOFD;
    public static final int FAN_EPIDFD = -2;

    private Fanotify() {}

    /** True when {@code mask} holds an event that waits for a {@code fanotify_response}. */
    public static boolean isPermission(long mask) {
        return (mask & PERM_EVENTS) != 0;
    }
}
