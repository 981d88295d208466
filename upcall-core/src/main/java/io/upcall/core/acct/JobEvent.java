package io.upcall.core.acct;

import io.upcall.core.event.Event;
import io.upcall.core.event.TableRow;
import io.upcall.core.json.JsonBuffer;
import io.upcall.protocol.taskstats.TaskStats;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A job's record ({@code source: acct}, {@code type: job}): its members' exit records summed.
 *
 * @param time      when the job was found ended (or the record was asked for)
 * @param name      the job's name
 * @param pid       its first process
 * @param command   what it ran
 * @param started   when its first process was started
 * @param processes members whose exit records were summed
 * @param members   members known by fork lineage (more than {@code processes} while some still run)
 * @param threads   threads summed (each process's count)
 * @param peak      the most members alive at once (each from its fork for its elapsed time)
 * @param commands  processes by command name
 * @param totals    the summed figures (high-water marks: the largest)
 * @param exitCode  the first process's exit code, -1 when killed or not ended
 * @param losses    loss reported while it ran, by channel: the record may then miss members
 * @param unaccounted members that ended without an exit record reaching Upcall (lost): in {@code members}, not summed
 * @param cgroup    for a cgroup job, what the cgroup counted itself over the job; else null
 * @param session   for a session's job from the live stream ({@code acct --jobs}), its session id (its leader's pid);
 *                  else -1
 */
public record JobEvent(Instant time, String name, int pid, List<String> command, Instant started, int processes,
        int members, int threads, int peak, Map<String, Integer> commands, TaskStats totals, int exitCode, Map<String, Long> losses,
        int unaccounted, CgroupUsage cgroup, int session)
        implements Event {

    public JobEvent {
        command = List.copyOf(command);
        commands = Map.copyOf(commands);
        losses = Map.copyOf(losses);
    }

    /** A job of {@code jobs run} or {@code jobs add}: no session. */
    public JobEvent(Instant time, String name, int pid, List<String> command, Instant started, int processes, int members,
            int threads, int peak, Map<String, Integer> commands, TaskStats totals, int exitCode, Map<String, Long> losses,
            int unaccounted, CgroupUsage cgroup) {
        this(time, name, pid, command, started, processes, members, threads, peak, commands, totals, exitCode, losses,
                unaccounted, cgroup, -1);
    }

    @Override
    public String source() {
        return AcctChannel.NAME;
    }

    @Override
    public String type() {
        return "job";
    }

    /** Wall time from its start to {@link #time()}, microseconds. */
    public long elapsedMicros() {
        return started == null ? 0 : Duration.between(started, time).toNanos() / 1000;
    }

    @Override
    public void writeJsonFields(JsonBuffer out) {
        out.field("name", name).field("pid", pid);
        out.beginArray("command");
        for (String word : command) {
            out.element(word);
        }
        out.endArray();
        if (started != null) {
            out.field("start_time", started);
        } else {
            out.nullField("start_time");
        }
        out.field("elapsed_us", elapsedMicros()).field("processes", processes).field("members", members)
                .field("threads", threads).field("peak_members", peak).optional("exit_code", exitCode);
        out.beginArray("commands"); // an array: command names are the processes' choice, not JSON keys
        commands.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.beginElement().field("comm", e.getKey()).field("processes", e.getValue()).endObject());
        out.endArray();
        AcctFigures.write(out, totals);
        out.beginObject("loss");
        losses.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.field(e.getKey(), e.getValue()));
        out.endObject();
        out.field("unaccounted", unaccounted).optional("session", session);
        if (cgroup == null) {
            out.nullField("cgroup");
            return;
        }
        // Both sides of the cross-check, and the difference (the members' sum minus the cgroup's own figure).
        out.beginObject("cgroup").field("path", cgroup.path()).optional("usage_us", cgroup.usageUs())
                .optional("user_us", cgroup.userUs()).optional("system_us", cgroup.systemUs())
                .field("accounted_cpu_us", runMicros()).field("accounted_user_system_us", cpuMicros());
        if (cgroup.usageUs() == CgroupUsage.UNKNOWN) {
            out.nullField("cpu_difference_us");
        } else {
            out.field("cpu_difference_us", runMicros() - cgroup.usageUs()); // negative: the records counted less
        }
        io(out, "read", cgroup.readBytes(), totals.get(TaskstatsField.READ_BYTES));
        io(out, "write", cgroup.writeBytes(), totals.get(TaskstatsField.WRITE_BYTES));
        out.endObject();
    }

    /**
     * The members' CPU time as the scheduler measured it ({@code cpu_run_virtual_total}, their {@code sum_exec_runtime}),
     * microseconds: the figure a cgroup's {@code cpu.stat usage_usec} sums too. User and system time are sampled at
     * timer ticks, so on a busy machine they stray by several percent; this does not. User plus system when the
     * records do not carry it.
     */
    public long runMicros() {
        return totals.has(TaskstatsField.CPU_RUN_VIRTUAL_TOTAL) ? totals.get(TaskstatsField.CPU_RUN_VIRTUAL_TOTAL) / 1000
                : cpuMicros();
    }

    /** User plus system CPU of the members' records, microseconds (sampled at timer ticks). */
    public long cpuMicros() {
        return totals.get(TaskstatsField.AC_UTIME) + totals.get(TaskstatsField.AC_STIME);
    }

    private static void io(JsonBuffer out, String what, long cgroupBytes, long accounted) {
        if (cgroupBytes == CgroupUsage.UNKNOWN) {
            out.nullField(what + "_bytes").nullField(what + "_difference_bytes"); // no io controller for this cgroup
        } else {
            out.field(what + "_bytes", cgroupBytes).field(what + "_difference_bytes", accounted - cgroupBytes);
        }
    }

    @Override
    public TableRow tableRow() {
        long cpu = cpuMicros();
        String info = String.format("%d procs cpu %.3fs wrote %dk", processes, cpu / 1e6,
                totals.get(TaskstatsField.WRITE_BYTES) >> 10) + (losses.isEmpty() ? "" : " LOSS");
        return new TableRow(losses.isEmpty() ? TableRow.Tone.END : TableRow.Tone.ALERT, "job", Integer.toString(pid), info,
                name);
    }
}
