package io.upcall.cli;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.Upcall;
import io.upcall.core.acct.AcctOptions;
import io.upcall.core.acct.JobEvent;
import io.upcall.core.acct.JobTracker;
import io.upcall.core.proc.ProcEventType;
import io.upcall.core.proc.ProcOptions;
import io.upcall.linux.LinuxException;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code upcall jobs run -- CMD ARGS...}: runs a command as a new job, waits until its last member ended, and prints
 * the job's record. The exit status is the command's, as {@code time} does.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Runs CMD as a new job and prints the job's record when its last process ended: processes, "
                + "threads, CPU, I/O, faults, switches and delays summed over the command and every descendant. The "
                + "exit status is CMD's.", ""},
        footer = {"", "Examples:", "  upcall jobs run -- make -j4", "  upcall jobs run --name backup --json -- tar cf /tmp/x.tar /etc"})
final class JobsRunCommand implements Callable<Integer> {
    /** After the last member known ended, how long no new fork or record may come before the job is over. */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    JobsCommand jobs;

    @Option(names = "--name", paramLabel = "N", description = "The job's name in its record (default: the command).")
    String name;

    @Option(names = "--json", description = "The job's record as one JSON line (docs/events.md) instead of text.")
    boolean json;

    @CommandLine.Mixin
    BufferOption buffer = new BufferOption();

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        JobTracker tracker = new JobTracker(name, command, (int) ProcessHandle.current().pid());
        ProcOptions forks = ProcOptions.defaults().withEvents(Set.of(ProcEventType.FORK)).withProcessContext(false)
                .withReceiveBuffer(buffer.receiveBuffer);
        Upcall upcall;
        try {
            upcall = Upcall.builder().source(forks).source(new AcctOptions(AcctOptions.ANY, null, false, buffer.receiveBuffer))
                    .subscribe(tracker).start();
        } catch (LinuxException e) {
            err.println("upcall: cannot account the job: " + Printable.escape(e.getMessage()));
            err.println("upcall: jobs need root (taskstats registration); upcall doctor tells more");
            return 1;
        }
        int status;
        try (upcall) {
            Process p;
            try {
                p = new ProcessBuilder(command).inheritIO().start();
            } catch (IOException e) {
                err.println("upcall: cannot run " + Printable.escape(command.getFirst()) + ": " + Printable.escape(e.getMessage()));
                return 127;
            }
            tracker.root((int) p.pid(), Instant.now());
            status = p.waitFor();
            // The first process ended; the job goes on while any descendant runs (a detached daemon included).
            while (!tracker.ended(QUIET_NANOS)) {
                Thread.sleep(50);
            }
        }
        JobEvent job = tracker.record(Instant.now());
        byte[] text = (json ? JsonEventWriter.toJson(job) + "\n" : describe(job)).getBytes(StandardCharsets.UTF_8);
        jobs.parent.out().write(text);
        jobs.parent.out().flush();
        if (!job.losses().isEmpty()) {
            err.println("upcall: warning: events were lost while the job ran " + job.losses()
                    + ": the record may miss members");
        }
        return status;
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
        s.append("  by command:");
        j.commands().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> s.append(' ').append(Printable.escape(e.getKey())).append(' ').append(e.getValue()));
        return s.append(System.lineSeparator()).toString();
    }
}
