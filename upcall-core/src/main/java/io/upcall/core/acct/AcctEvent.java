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
 * @param user    the name of {@code ac_uid} on this machine (live only: a capture may come from elsewhere), or null
 * @param group   the name of {@code ac_gid}, likewise, or null
 */
public record AcctEvent(Instant time, String type, TaskStats stats, int threads, String user, String group)
        implements Event {
    public static final String EXIT = "exit";
    public static final String THREAD_EXIT = "thread_exit";
    // Field names encoded once: some 70 are written for every record.
    private static final JsonBuffer.Key K_PID = new JsonBuffer.Key("pid");
    private static final JsonBuffer.Key K_TGID = new JsonBuffer.Key("tgid");
    private static final JsonBuffer.Key K_PPID = new JsonBuffer.Key("ppid");
    private static final JsonBuffer.Key K_UID = new JsonBuffer.Key("uid");
    private static final JsonBuffer.Key K_GID = new JsonBuffer.Key("gid");
    private static final JsonBuffer.Key K_EXIT_STATUS = new JsonBuffer.Key("exit_status");
    private static final JsonBuffer.Key K_FLAGS = new JsonBuffer.Key("flags");
    private static final JsonBuffer.Key K_NICE = new JsonBuffer.Key("nice");
    private static final JsonBuffer.Key K_ELAPSED_US = new JsonBuffer.Key("elapsed_us");
    private static final JsonBuffer.Key K_GROUP_ELAPSED_US = new JsonBuffer.Key("group_elapsed_us");
    private static final JsonBuffer.Key K_EXE_DEV = new JsonBuffer.Key("exe_dev");
    private static final JsonBuffer.Key K_EXE_INODE = new JsonBuffer.Key("exe_inode");

    /** A record without names (as decoded; the live stream's stage adds them). */
    public AcctEvent(Instant time, String type, TaskStats stats, int threads) {
        this(time, type, stats, threads, null, null);
    }

    /** This record with the names of its user and group. */
    public AcctEvent withNames(String user, String group) {
        return new AcctEvent(time, type, stats, threads, user, group);
    }

    public long gid() {
        return stats.get(AC_GID, -1);
    }

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
        number(out, K_PID, AC_PID);
        number(out, K_TGID, AC_TGID);
        number(out, K_PPID, AC_PPID);
        out.field("comm", stats.comm());
        number(out, K_UID, AC_UID);
        name(out, "user", user);
        number(out, K_GID, AC_GID);
        name(out, "group", group);
        out.field("threads", threads);
        number(out, K_EXIT_STATUS, AC_EXITCODE);
        out.optional("exit_code", exitCode()).field("exit_signal", exitSignal());
        number(out, K_FLAGS, AC_FLAG);
        number(out, K_NICE, AC_NICE);
        long begin = stats.beginTimeSeconds();
        if (begin >= 0) {
            out.field("start_time", Instant.ofEpochSecond(begin));
        } else {
            out.nullField("start_time");
        }
        number(out, K_ELAPSED_US, AC_ETIME);
        number(out, K_GROUP_ELAPSED_US, AC_TGETIME);
        AcctFigures.counters(out, stats);
        number(out, K_EXE_DEV, AC_EXE_DEV);
        number(out, K_EXE_INODE, AC_EXE_INODE);
        out.field("version", stats.version());
        AcctFigures.delays(out, stats);
    }

    private static void name(JsonBuffer out, String field, String name) {
        if (name == null) {
            out.nullField(field);
        } else {
            out.field(field, name);
        }
    }

    /** The field, or null when this record's version does not carry it. */
    private void number(JsonBuffer out, JsonBuffer.Key name, TaskstatsField field) {
        AcctFigures.number(out, stats, name, field);
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
