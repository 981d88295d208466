package io.upcall.cli;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.Upcall;
import io.upcall.core.acct.AcctOptions;
import io.upcall.core.acct.JobCgroup;
import io.upcall.core.acct.JobTracker;
import io.upcall.core.proc.ProcEventType;
import io.upcall.core.proc.ProcOptions;
import io.upcall.linux.LinuxException;
import io.upcall.core.acct.JobEvent;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What {@code upcall jobs run} and {@code add} share: the stream of forks and exit records a job is followed in, the
 * wait for its end, and its record printed as a few lines like {@code time}'s, or one JSON line.
 */
final class JobOutput {
    /** After the last member known ended, how long no new fork or record may come before the job is over. */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private JobOutput() {}

    /** Starts the proc (forks) and acct channels feeding {@code tracker}; null, said why on {@code err}, when refused. */
    static Upcall stream(JobTracker tracker, int receiveBuffer, PrintWriter err) {
        ProcOptions forks = ProcOptions.defaults().withEvents(Set.of(ProcEventType.FORK)).withProcessContext(false)
                .withReceiveBuffer(receiveBuffer);
        try {
            return Upcall.builder().source(forks).source(new AcctOptions(AcctOptions.ANY, null, false, receiveBuffer))
                    .subscribe(tracker).start();
        } catch (LinuxException e) {
            err.println("upcall: cannot account the job: " + Printable.escape(e.getMessage()));
            err.println("upcall: jobs need root (taskstats registration); upcall doctor tells more");
            return null;
        }
    }

    /** Waits until the job's last member ended (a detached daemon included: for as long as it runs). */
    static void awaitEnd(JobTracker tracker) throws InterruptedException {
        while (!tracker.ended(QUIET_NANOS)) {
            Thread.sleep(50);
        }
    }

    /** Removes the cgroup a job was run in, if Upcall made it; says so when it cannot. */
    static void remove(JobCgroup group, PrintWriter err) {
        if (group == null) {
            return;
        }
        try {
            group.close();
        } catch (IOException e) {
            err.println("upcall: warning: " + Printable.escape(e.getMessage()));
        }
    }

    static void print(JobEvent job, boolean json, OutputStream out, PrintWriter err) throws IOException {
        out.write((json ? JsonEventWriter.toJson(job) + "\n" : describe(job)).getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (!job.losses().isEmpty()) {
            err.println("upcall: warning: events were lost while the job ran " + job.losses()
                    + ": the record may miss members");
        }
    }

    private static String describe(JobEvent j) {
        var t = j.totals();
        StringBuilder s = new StringBuilder();
        s.append(String.format("job %s (pid %d): %d processes (at most %d at once), %d threads, %.3fs elapsed, exit %s%n",
                Printable.escape(j.name()), j.pid(), j.processes(), j.peak(), j.threads(), j.elapsedMicros() / 1e6,
                j.exitCode() < 0 ? "by signal" : Integer.toString(j.exitCode())));
        s.append(String.format("  cpu     user %.3fs  system %.3fs%n", t.get(TaskstatsField.AC_UTIME) / 1e6,
                t.get(TaskstatsField.AC_STIME) / 1e6));
        s.append(String.format("  memory  peak rss %dk  faults %d minor, %d major%n", t.get(TaskstatsField.HIWATER_RSS),
                t.get(TaskstatsField.AC_MINFLT), t.get(TaskstatsField.AC_MAJFLT)));
        s.append(String.format("  io      read %d bytes (%d chars)  written %d bytes (%d chars)%n",
                t.get(TaskstatsField.READ_BYTES), t.get(TaskstatsField.READ_CHAR), t.get(TaskstatsField.WRITE_BYTES),
                t.get(TaskstatsField.WRITE_CHAR)));
        s.append(String.format("  switch  %d voluntary, %d involuntary%n", t.get(TaskstatsField.NVCSW),
                t.get(TaskstatsField.NIVCSW)));
        if (j.unaccounted() > 0) {
            s.append(String.format("  lost    %d members ended without a record reaching Upcall: not summed%n", j.unaccounted()));
        }
        if (j.cgroup() != null) {
            var c = j.cgroup();
            s.append(String.format("  cgroup  %s: cpu %.3fs by cpu.stat, %.3fs by the records (difference %+.3fs)%s%n",
                    Printable.escape(c.path()), c.usageUs() / 1e6, j.runMicros() / 1e6, (j.runMicros() - c.usageUs()) / 1e6,
                    c.writeBytes() < 0 ? ", no io.stat (no io controller)"
                            : String.format(", io.stat read %d written %d bytes", c.readBytes(), c.writeBytes())));
        }
        s.append("  by command:");
        j.commands().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> s.append(' ').append(Printable.escape(e.getKey())).append(' ').append(e.getValue()));
        return s.append(System.lineSeparator()).toString();
    }
}
