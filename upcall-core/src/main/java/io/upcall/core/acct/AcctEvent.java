package io.upcall.core.acct;

import static io.upcall.protocol.taskstats.TaskstatsField.*;

import io.upcall.core.event.Event;
import io.upcall.core.event.TableRow;
import io.upcall.core.json.JsonBuffer;
import io.upcall.protocol.taskstats.TaskStats;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.time.Instant;

/**
 * A process's accounting record: {@code exit} when its thread group ended (the figures of all its threads summed,
 * {@link #threads()} of them), or {@code thread_exit} for one thread as it ended, when asked for. The fields are the
 * kernel's {@code struct taskstats}; a figure the kernel's version does not carry is null in JSON.
 *
 * @param time    when the record was received (in a replay: recorded)
 * @param type    {@code exit} or {@code thread_exit}
 * @param stats   the record (for {@code exit}: the group's, {@code ac_pid} its tgid)
 * @param threads how many threads' records were folded into it (1 for a single-threaded process or a thread)
 */
public record AcctEvent(Instant time, String type, TaskStats stats, int threads) implements Event {
    public static final String EXIT = "exit";
    public static final String THREAD_EXIT = "thread_exit";

    /** Delay kinds, in {@code struct taskstats} order: name, count, total, max, min. */
    private static final Object[][] DELAYS = {
        {"cpu", CPU_COUNT, CPU_DELAY_TOTAL, CPU_DELAY_MAX, CPU_DELAY_MIN},
        {"blkio", BLKIO_COUNT, BLKIO_DELAY_TOTAL, BLKIO_DELAY_MAX, BLKIO_DELAY_MIN},
        {"swapin", SWAPIN_COUNT, SWAPIN_DELAY_TOTAL, SWAPIN_DELAY_MAX, SWAPIN_DELAY_MIN},
        {"freepages", FREEPAGES_COUNT, FREEPAGES_DELAY_TOTAL, FREEPAGES_DELAY_MAX, FREEPAGES_DELAY_MIN},
        {"thrashing", THRASHING_COUNT, THRASHING_DELAY_TOTAL, THRASHING_DELAY_MAX, THRASHING_DELAY_MIN},
        {"compact", COMPACT_COUNT, COMPACT_DELAY_TOTAL, COMPACT_DELAY_MAX, COMPACT_DELAY_MIN},
        {"wpcopy", WPCOPY_COUNT, WPCOPY_DELAY_TOTAL, WPCOPY_DELAY_MAX, WPCOPY_DELAY_MIN},
        {"irq", IRQ_COUNT, IRQ_DELAY_TOTAL, IRQ_DELAY_MAX, IRQ_DELAY_MIN},
    };

    @Override
    public String source() {
        return AcctChannel.NAME;
    }

    public long pid() {
        return stats.get(AC_PID, -1);
    }

    public long uid() {
        return stats.get(AC_UID, -1);
    }

    /** The wait status's exit code when the process exited, else -1. */
    public int exitCode() {
        long status = stats.get(AC_EXITCODE, -1);
        return status >= 0 && (status & 0x7f) == 0 ? (int) (status >> 8) & 0xff : -1;
    }

    /** The signal that ended the process, else 0. */
    public int exitSignal() {
        long status = stats.get(AC_EXITCODE, 0);
        return (int) status & 0x7f;
    }

    /** User plus system CPU, microseconds. */
    public long cpuMicros() {
        return stats.get(AC_UTIME) + stats.get(AC_STIME);
    }

    @Override
    public void writeJsonFields(JsonBuffer out) {
        number(out, "pid", AC_PID);
        number(out, "tgid", AC_TGID);
        number(out, "ppid", AC_PPID);
        out.field("comm", stats.comm());
        number(out, "uid", AC_UID);
        number(out, "gid", AC_GID);
        out.field("threads", threads);
        number(out, "exit_status", AC_EXITCODE);
        out.optional("exit_code", exitCode()).field("exit_signal", exitSignal());
        number(out, "flags", AC_FLAG);
        number(out, "nice", AC_NICE);
        long begin = stats.beginTimeSeconds();
        if (begin >= 0) {
            out.field("start_time", Instant.ofEpochSecond(begin));
        } else {
            out.nullField("start_time");
        }
        number(out, "elapsed_us", AC_ETIME);
        number(out, "group_elapsed_us", AC_TGETIME);
        number(out, "user_cpu_us", AC_UTIME);
        number(out, "system_cpu_us", AC_STIME);
        number(out, "hiwater_rss_kb", HIWATER_RSS);
        number(out, "hiwater_vm_kb", HIWATER_VM);
        number(out, "coremem_mb_us", COREMEM);
        number(out, "virtmem_mb_us", VIRTMEM);
        number(out, "minor_faults", AC_MINFLT);
        number(out, "major_faults", AC_MAJFLT);
        number(out, "read_bytes", READ_BYTES);
        number(out, "write_bytes", WRITE_BYTES);
        number(out, "cancelled_write_bytes", CANCELLED_WRITE_BYTES);
        number(out, "read_chars", READ_CHAR);
        number(out, "write_chars", WRITE_CHAR);
        number(out, "read_syscalls", READ_SYSCALLS);
        number(out, "write_syscalls", WRITE_SYSCALLS);
        number(out, "voluntary_switches", NVCSW);
        number(out, "involuntary_switches", NIVCSW);
        number(out, "cpu_run_real_ns", CPU_RUN_REAL_TOTAL);
        number(out, "cpu_run_virtual_ns", CPU_RUN_VIRTUAL_TOTAL);
        number(out, "exe_dev", AC_EXE_DEV);
        number(out, "exe_inode", AC_EXE_INODE);
        out.field("version", stats.version());
        out.beginObject("delays");
        for (Object[] d : DELAYS) {
            out.beginObject((String) d[0]);
            number(out, "count", (TaskstatsField) d[1]);
            number(out, "total_ns", (TaskstatsField) d[2]);
            number(out, "max_ns", (TaskstatsField) d[3]);
            number(out, "min_ns", (TaskstatsField) d[4]);
            out.endObject();
        }
        out.endObject();
    }

    /**
     * The field, or null when this record's version does not carry it. The kernel's {@code __u64} counters stay below
     * 2^63 (nanosecond totals would take 292 years), so they are written as signed numbers.
     */
    private void number(JsonBuffer out, String name, TaskstatsField field) {
        if (stats.has(field)) {
            out.field(name, stats.get(field));
        } else {
            out.nullField(name);
        }
    }

    @Override
    public TableRow tableRow() {
        boolean thread = THREAD_EXIT.equals(type);
        int code = exitCode();
        String ended = code > 0 ? "status " + code : exitSignal() != 0 ? "signal " + exitSignal() : "";
        long written = stats.get(WRITE_BYTES);
        String info = String.format("cpu %.3fs rss %dk", cpuMicros() / 1e6, stats.get(HIWATER_RSS))
                + (written > 0 ? " wrote " + (written >> 10) + "k" : "") + (threads > 1 ? " thr " + threads : "")
                + (ended.isEmpty() ? "" : " " + ended);
        TableRow.Tone tone = thread ? TableRow.Tone.FAINT : ended.isEmpty() ? TableRow.Tone.END : TableRow.Tone.ALERT;
        return new TableRow(tone, thread ? "thr-acct" : "acct", Long.toString(pid()), info,
                stats.comm() == null ? "" : stats.comm());
    }
}
