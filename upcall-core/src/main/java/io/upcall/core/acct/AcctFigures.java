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
    private static final JsonBuffer.Key[] DELAY_NAMES = keys("cpu", "blkio", "swapin", "freepages", "thrashing", "compact",
            "wpcopy", "irq");
    private static final JsonBuffer.Key[] DELAY_FIGURES = keys("count", "total_ns", "max_ns", "min_ns");
    /** The counters in the order written, names encoded once: they are written for every record. */
    private static final TaskstatsField[] COUNTERS = {AC_UTIME, AC_STIME, HIWATER_RSS, HIWATER_VM, COREMEM, VIRTMEM, AC_MINFLT,
        AC_MAJFLT, READ_BYTES, WRITE_BYTES, CANCELLED_WRITE_BYTES, READ_CHAR, WRITE_CHAR, READ_SYSCALLS, WRITE_SYSCALLS, NVCSW,
        NIVCSW, CPU_RUN_REAL_TOTAL, CPU_RUN_VIRTUAL_TOTAL};
    private static final JsonBuffer.Key[] COUNTER_NAMES = keys("user_cpu_us", "system_cpu_us", "hiwater_rss_kb",
            "hiwater_vm_kb", "coremem_mb_us", "virtmem_mb_us", "minor_faults", "major_faults", "read_bytes", "write_bytes",
            "cancelled_write_bytes", "read_chars", "write_chars", "read_syscalls", "write_syscalls", "voluntary_switches",
            "involuntary_switches", "cpu_run_real_ns", "cpu_run_virtual_ns");
    private static final JsonBuffer.Key DELAYS_KEY = new JsonBuffer.Key("delays");

    private AcctFigures() {}

    /** The counters, then the delays: what a job's record shows. */
    static void write(JsonBuffer out, TaskStats s) {
        counters(out, s);
        delays(out, s);
    }

    static void counters(JsonBuffer out, TaskStats s) {
        for (int i = 0; i < COUNTERS.length; i++) {
            number(out, s, COUNTER_NAMES[i], COUNTERS[i]);
        }
    }

    static void delays(JsonBuffer out, TaskStats s) {
        out.beginObject(DELAYS_KEY);
        for (int i = 0; i < DELAYS.length; i++) {
            out.beginObject(DELAY_NAMES[i]);
            for (int j = 0; j < DELAY_FIGURES.length; j++) {
                number(out, s, DELAY_FIGURES[j], DELAYS[i][j]);
            }
            out.endObject();
        }
        out.endObject();
    }

    static JsonBuffer.Key[] keys(String... names) {
        JsonBuffer.Key[] keys = new JsonBuffer.Key[names.length];
        for (int i = 0; i < names.length; i++) {
            keys[i] = new JsonBuffer.Key(names[i]);
        }
        return keys;
    }

    /**
     * The field, or null when the record's version does not carry it. The kernel's {@code __u64} counters stay below
     * 2^63 (nanosecond totals would take 292 years), so they are written as signed numbers.
     */
    static void number(JsonBuffer out, TaskStats s, JsonBuffer.Key name, TaskstatsField field) {
        if (s.has(field)) {
            out.field(name, s.get(field));
        } else {
            out.nullField(name);
        }
    }
}
