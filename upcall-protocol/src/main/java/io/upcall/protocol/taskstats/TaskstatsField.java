package io.upcall.protocol.taskstats;

/**
 * The numeric fields of {@code struct taskstats}, each with its offset, width and the version that brought it.
 * The struct only ever grew at its end (the header's rule, "newer versions should only add fields to the bottom"),
 * with two exceptions the decoder handles: version 1 had {@code __u16 padding[3]} where version 2 put
 * {@code ac_exitcode}, {@code ac_flag} and {@code ac_nice}, so its delay fields start at 8, not 16; and version 15
 * inserted {@code *_delay_max}/{@code _min} in the middle, which version 16 moved to the end.
 *
 * <pre>{@code
 * struct taskstats {                       // offset (version 2 and later)
 *     __u16 version;                       //   0
 *     __u32 ac_exitcode;                   //   4
 *     __u8  ac_flag;                       //   8  AFORK, ASU, ACOMPAT, ACORE, AXSIG, AGROUP (v12)
 *     __u8  ac_nice;                       //   9
 *     __u64 cpu_count __attribute__((aligned(8)));  // 16 (8 in version 1)
 *     __u64 cpu_delay_total;               //  24
 *     __u64 blkio_count;                   //  32
 *     __u64 blkio_delay_total;             //  40
 *     __u64 swapin_count;                  //  48
 *     __u64 swapin_delay_total;            //  56
 *     __u64 cpu_run_real_total;            //  64
 *     __u64 cpu_run_virtual_total;         //  72  "version 1 ends here"
 *     char  ac_comm[TS_COMM_LEN];          //  80
 *     __u8  ac_sched __attribute__((aligned(8)));  // 112
 *     __u8  ac_pad[3];
 *     __u32 ac_uid __attribute__((aligned(8)));    // 120
 *     __u32 ac_gid;                        // 124
 *     __u32 ac_pid;                        // 128
 *     __u32 ac_ppid;                       // 132
 *     __u32 ac_btime;                      // 136  begin time [sec since 1970]
 *     __u64 ac_etime __attribute__((aligned(8)));  // 144  elapsed time [usec]
 *     __u64 ac_utime;                      // 152  user CPU time [usec]
 *     __u64 ac_stime;                      // 160  system CPU time [usec]
 *     __u64 ac_minflt;                     // 168
 *     __u64 ac_majflt;                     // 176
 *     __u64 coremem;                       // 184  accumulated RSS usage in MB-usec
 *     __u64 virtmem;                       // 192  accumulated VM usage in MB-usec
 *     __u64 hiwater_rss;                   // 200  high-watermark of RSS usage, in KB
 *     __u64 hiwater_vm;                    // 208  high-water VM usage, in KB
 *     __u64 read_char;                     // 216
 *     __u64 write_char;                    // 224
 *     __u64 read_syscalls;                 // 232
 *     __u64 write_syscalls;                // 240
 *     __u64 read_bytes;                    // 248  TASKSTATS_HAS_IO_ACCOUNTING
 *     __u64 write_bytes;                   // 256
 *     __u64 cancelled_write_bytes;         // 264
 *     __u64 nvcsw;                         // 272
 *     __u64 nivcsw;                        // 280
 *     __u64 ac_utimescaled;                // 288
 *     __u64 ac_stimescaled;                // 296
 *     __u64 cpu_scaled_run_real_total;     // 304
 *     __u64 freepages_count;               // 312
 *     __u64 freepages_delay_total;         // 320
 *     __u64 thrashing_count;               // 328
 *     __u64 thrashing_delay_total;         // 336
 *     __u64 ac_btime64;                    // 344  v10: 64-bit btime to avoid overflow
 *     __u64 compact_count;                 // 352  v11: delay waiting for memory compact
 *     __u64 compact_delay_total;           // 360
 *     __u32 ac_tgid;                       // 368  v12 begin
 *     __u64 ac_tgetime __attribute__((aligned(8)));  // 376  thread group walltime up to now
 *     __u64 ac_exe_dev;                    // 384
 *     __u64 ac_exe_inode;                  // 392  v12 end
 *     __u64 wpcopy_count;                  // 400  v13: delay waiting for write-protect copy
 *     __u64 wpcopy_delay_total;            // 408
 *     __u64 irq_count;                     // 416  v14: delay waiting for IRQ/SOFTIRQ
 *     __u64 irq_delay_total;               // 424
 *     // v15: add delay max and delay min (in the middle: an incompatible layout)
 *     // v16: move delay max and delay min to the end of taskstats
 *     __u64 cpu_delay_max, cpu_delay_min;              // 432, 440
 *     __u64 blkio_delay_max, blkio_delay_min;          // 448, 456
 *     __u64 swapin_delay_max, swapin_delay_min;        // 464, 472
 *     __u64 freepages_delay_max, freepages_delay_min;  // 480, 488
 *     __u64 thrashing_delay_max, thrashing_delay_min;  // 496, 504
 *     __u64 compact_delay_max, compact_delay_min;      // 512, 520
 *     __u64 wpcopy_delay_max, wpcopy_delay_min;        // 528, 536
 *     __u64 irq_delay_max, irq_delay_min;              // 544, 552  (sizeof: 560)
 * };
 * }</pre>
 *
 * The header marks the versions from 10 on; the fields between {@code ac_exitcode} and {@code thrashing_delay_total}
 * came in versions 2 to 9 without a mark, so for those versions a field is read when the attribute holds it.
 */
public enum TaskstatsField {
    AC_EXITCODE(4, 4, 2),
    AC_FLAG(8, 1, 2),
    AC_NICE(9, 1, 2),
    CPU_COUNT(16, 8, 1),
    CPU_DELAY_TOTAL(24, 8, 1),
    BLKIO_COUNT(32, 8, 1),
    BLKIO_DELAY_TOTAL(40, 8, 1),
    SWAPIN_COUNT(48, 8, 1),
    SWAPIN_DELAY_TOTAL(56, 8, 1),
    CPU_RUN_REAL_TOTAL(64, 8, 1),
    CPU_RUN_VIRTUAL_TOTAL(72, 8, 1),
    AC_SCHED(112, 1, 2),
    AC_UID(120, 4, 2),
    AC_GID(124, 4, 2),
    AC_PID(128, 4, 2),
    AC_PPID(132, 4, 2),
    AC_BTIME(136, 4, 2),
    AC_ETIME(144, 8, 2),
    AC_UTIME(152, 8, 2),
    AC_STIME(160, 8, 2),
    AC_MINFLT(168, 8, 2),
    AC_MAJFLT(176, 8, 2),
    COREMEM(184, 8, 2),
    VIRTMEM(192, 8, 2),
    HIWATER_RSS(200, 8, 2),
    HIWATER_VM(208, 8, 2),
    READ_CHAR(216, 8, 2),
    WRITE_CHAR(224, 8, 2),
    READ_SYSCALLS(232, 8, 2),
    WRITE_SYSCALLS(240, 8, 2),
    READ_BYTES(248, 8, 2),
    WRITE_BYTES(256, 8, 2),
    CANCELLED_WRITE_BYTES(264, 8, 2),
    NVCSW(272, 8, 2),
    NIVCSW(280, 8, 2),
    AC_UTIMESCALED(288, 8, 2),
    AC_STIMESCALED(296, 8, 2),
    CPU_SCALED_RUN_REAL_TOTAL(304, 8, 2),
    FREEPAGES_COUNT(312, 8, 2),
    FREEPAGES_DELAY_TOTAL(320, 8, 2),
    THRASHING_COUNT(328, 8, 2),
    THRASHING_DELAY_TOTAL(336, 8, 2),
    AC_BTIME64(344, 8, 10),
    COMPACT_COUNT(352, 8, 11),
    COMPACT_DELAY_TOTAL(360, 8, 11),
    AC_TGID(368, 4, 12),
    AC_TGETIME(376, 8, 12),
    AC_EXE_DEV(384, 8, 12),
    AC_EXE_INODE(392, 8, 12),
    WPCOPY_COUNT(400, 8, 13),
    WPCOPY_DELAY_TOTAL(408, 8, 13),
    IRQ_COUNT(416, 8, 14),
    IRQ_DELAY_TOTAL(424, 8, 14),
    CPU_DELAY_MAX(432, 8, 16),
    CPU_DELAY_MIN(440, 8, 16),
    BLKIO_DELAY_MAX(448, 8, 16),
    BLKIO_DELAY_MIN(456, 8, 16),
    SWAPIN_DELAY_MAX(464, 8, 16),
    SWAPIN_DELAY_MIN(472, 8, 16),
    FREEPAGES_DELAY_MAX(480, 8, 16),
    FREEPAGES_DELAY_MIN(488, 8, 16),
    THRASHING_DELAY_MAX(496, 8, 16),
    THRASHING_DELAY_MIN(504, 8, 16),
    COMPACT_DELAY_MAX(512, 8, 16),
    COMPACT_DELAY_MIN(520, 8, 16),
    WPCOPY_DELAY_MAX(528, 8, 16),
    WPCOPY_DELAY_MIN(536, 8, 16),
    IRQ_DELAY_MAX(544, 8, 16),
    IRQ_DELAY_MIN(552, 8, 16);

    /** Where {@code ac_comm} lies (version 2 and later). */
    public static final int AC_COMM_OFFSET = 80;
    /** The fields every version up to 9 may carry: they end at {@code thrashing_delay_total}. */
    static final int UNMARKED_END = 344;
    /** {@code sizeof(struct taskstats)} of version 1 and version 16. */
    public static final int V1_SIZE = 72;
    public static final int V16_SIZE = 560;

    private final int offset;
    private final int width;
    private final int since;

    TaskstatsField(int offset, int width, int since) {
        this.offset = offset;
        this.width = width;
        this.since = since;
    }

    /** The offset in versions 2 and later. */
    public int offset() {
        return offset;
    }

    /** Bytes: 1, 4 or 8. */
    public int width() {
        return width;
    }

    /** The version that brought it (2 for the unmarked fields of versions 2 to 9). */
    public int since() {
        return since;
    }

    /** The kernel's name: {@code ac_utime}, {@code read_bytes}. */
    public String kernelName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Its offset in version 1's layout, or -1 when version 1 did not have it. */
    int offsetInVersion1() {
        return since == 1 ? offset - 8 : -1;
    }
}
