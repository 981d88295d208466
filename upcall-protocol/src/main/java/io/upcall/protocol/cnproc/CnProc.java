package io.upcall.protocol.cnproc;

/**
 * Constants of {@code <linux/connector.h>} and {@code <linux/cn_proc.h>} as of Linux 6.18, including
 * those older headers lack ({@code PROC_EVENT_NONZERO_EXIT}, {@code proc_input}, {@code PROC_EVENT_ALL}).
 *
 * <pre>{@code
 * struct cb_id  { __u32 idx; __u32 val; };
 * struct cn_msg { struct cb_id id; __u32 seq; __u32 ack; __u16 len; __u16 flags; __u8 data[]; };  // 20 bytes
 * struct proc_input { enum proc_cn_mcast_op mcast_op; enum proc_cn_event event_type; };          // 8 bytes
 * struct proc_event {
 *     enum proc_cn_event what;   //  0
 *     __u32 cpu;                 //  4
 *     __u64 __attribute__((aligned(8))) timestamp_ns;  // 8: CLOCK_MONOTONIC, ktime_get_ns()
 *     union { ... } event_data;  // 16: largest member 24 bytes (exit, comm)
 * };
 * }</pre>
 * After the 16-byte netlink header and the 20-byte {@code cn_msg}, {@code proc_event} starts at
 * offset 36, so its 64-bit timestamp is not 8-aligned in the datagram.
 */
public final class CnProc {
    public static final int CN_IDX_PROC = 0x1;
    public static final int CN_VAL_PROC = 0x1;

    public static final int CN_MSG_SIZE = 20;
    public static final int PROC_EVENT_HEADER_SIZE = 16;
    public static final int PROC_EVENT_SIZE = 40;

    public static final int PROC_CN_MCAST_LISTEN = 1;
    public static final int PROC_CN_MCAST_IGNORE = 2;

    public static final int PROC_EVENT_NONE = 0x00000000;
    public static final int PROC_EVENT_FORK = 0x00000001;
    public static final int PROC_EVENT_EXEC = 0x00000002;
    public static final int PROC_EVENT_UID = 0x00000004;
    public static final int PROC_EVENT_GID = 0x00000040;
    public static final int PROC_EVENT_SID = 0x00000080;
    public static final int PROC_EVENT_PTRACE = 0x00000100;
    public static final int PROC_EVENT_COMM = 0x00000200;
    /** A filter flag, never a message type: with it, only exits with a non-zero {@code exit_code} pass. */
    public static final int PROC_EVENT_NONZERO_EXIT = 0x20000000;
    public static final int PROC_EVENT_COREDUMP = 0x40000000;
    public static final int PROC_EVENT_EXIT = 0x80000000;

    public static final int PROC_EVENT_ALL = PROC_EVENT_FORK | PROC_EVENT_EXEC | PROC_EVENT_UID | PROC_EVENT_GID
            | PROC_EVENT_SID | PROC_EVENT_PTRACE | PROC_EVENT_COMM | PROC_EVENT_NONZERO_EXIT | PROC_EVENT_COREDUMP
            | PROC_EVENT_EXIT;

    /** {@code TASK_COMM_LEN}: the kernel's command name, NUL-padded. */
    public static final int TASK_COMM_LEN = 16;

    private CnProc() {}
}
