package io.upcall.core.acct;

import static io.upcall.protocol.taskstats.TaskstatsField.*;

import io.upcall.core.json.JsonBuffer;
import io.upcall.protocol.taskstats.TaskStats;
import io.upcall.protocol.taskstats.TaskstatsField;

/** The resource figures of a record, written the same way for a process ({@link AcctEvent}) and a job ({@link JobEvent}). */
final class AcctFigures {
    /** Delay kinds, in {@code struct taskstats} order: name, count, total, max, min. */
    private static final TaskstatsField[][] DELAYS = {
        {CPU_COUNT, CPU_DELAY_TOTAL, CPU_DELAY_MAX, CPU_DELAY_MIN},
        {BLKIO_COUNT, BLKIO_DELAY_TOTAL, BLKIO_DELAY_MAX, BLKIO_DELAY_MIN},
        {SWAPIN_COUNT, SWAPIN_DELAY_TOTAL, SWAPIN_DELAY_MAX, SWAPIN_DELAY_MIN},
        {FREEPAGES_COUNT, FREEPAGES_DELAY_TOTAL, FREEPAGES_DELAY_MAX, FREEPAGES_DELAY_MIN},
        {THRASHING_COUNT, THRASHING_DELAY_TOTAL, THRASHING_DELAY_MAX, THRASHING_DELAY_MIN},
        {COMPACT_COUNT, COMPACT_DELAY_TOTAL, COMPACT_DELAY_MAX, COMPACT_DELAY_MIN},
        {WPCOPY_COUNT, WPCOPY_DELAY_TOTAL, WPCOPY_DELAY_MAX, WPCOPY_DELAY_MIN},
        {IRQ_COUNT, IRQ_DELAY_TOTAL, IRQ_DELAY_MAX, IRQ_DELAY_MIN},
    };
    private static final String[] DELAY_NAMES = {"cpu", "blkio", "swapin", "freepages", "thrashing", "compact", "wpcopy", "irq"};

    private AcctFigures() {}

    /** The counters, then the delays: what a job's record shows. */
    static void write(JsonBuffer out, TaskStats s) {
        counters(out, s);
        delays(out, s);
    }

    static void counters(JsonBuffer out, TaskStats s) {
        number(out, s, "user_cpu_us", AC_UTIME);
        number(out, s, "system_cpu_us", AC_STIME);
        number(out, s, "hiwater_rss_kb", HIWATER_RSS);
        number(out, s, "hiwater_vm_kb", HIWATER_VM);
        number(out, s, "coremem_mb_us", COREMEM);
        number(out, s, "virtmem_mb_us", VIRTMEM);
        number(out, s, "minor_faults", AC_MINFLT);
        number(out, s, "major_faults", AC_MAJFLT);
        number(out, s, "read_bytes", READ_BYTES);
        number(out, s, "write_bytes", WRITE_BYTES);
        number(out, s, "cancelled_write_bytes", CANCELLED_WRITE_BYTES);
        number(out, s, "read_chars", READ_CHAR);
        number(out, s, "write_chars", WRITE_CHAR);
        number(out, s, "read_syscalls", READ_SYSCALLS);
        number(out, s, "write_syscalls", WRITE_SYSCALLS);
        number(out, s, "voluntary_switches", NVCSW);
        number(out, s, "involuntary_switches", NIVCSW);
        number(out, s, "cpu_run_real_ns", CPU_RUN_REAL_TOTAL);
        number(out, s, "cpu_run_virtual_ns", CPU_RUN_VIRTUAL_TOTAL);
    }

    static void delays(JsonBuffer out, TaskStats s) {
        out.beginObject("delays");
        for (int i = 0; i < DELAYS.length; i++) {
            out.beginObject(DELAY_NAMES[i]);
            number(out, s, "count", DELAYS[i][0]);
            number(out, s, "total_ns", DELAYS[i][1]);
            number(out, s, "max_ns", DELAYS[i][2]);
            number(out, s, "min_ns", DELAYS[i][3]);
            out.endObject();
        }
        out.endObject();
    }

    /**
     * The field, or null when the record's version does not carry it. The kernel's {@code __u64} counters stay below
     * 2^63 (nanosecond totals would take 292 years), so they are written as signed numbers.
     */
    static void number(JsonBuffer out, TaskStats s, String name, TaskstatsField field) {
        if (s.has(field)) {
            out.field(name, s.get(field));
        } else {
            out.nullField(name);
        }
    }
}
