package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.acct.JobCgroup;
import io.upcall.core.acct.JobTracker;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code upcall jobs add --pid P}: a running process and all its descendants as a job, accounted until the last ends. */
@Command(name = "add", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Makes running process P and every descendant (those it has now, from /proc, and all it forks "
                + "from now on) a job, waits until the last of them ended, and prints the job's record. Figures of "
                + "what P's tree ran before it was added are in the records of those processes: they count.", ""},
        footer = {"", "Examples:", "  upcall jobs add --pid 1234 --name nightly-build --json",
                "  upcall jobs add --cgroup system.slice/cron.service"})
final class JobsAddCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    JobsCommand jobs;

    @Option(names = "--pid", paramLabel = "P", converter = Converters.LivePidConverter.class,
            description = "The running process that is the job.")
    Integer pid;

    @Option(names = "--cgroup", paramLabel = "PATH", description = "Instead of --pid: the processes of this cgroup v2 "
            + "directory (and its child cgroups) are the job, with everything they fork and every process that enters "
            + "it; the job ends when the cgroup is empty. Its own CPU and I/O counters are set beside the members' sum.")
    String cgroup;

    @Option(names = "--name", paramLabel = "N", description = "The job's name in its record (default: pid P).")
    String name;

    @Option(names = "--json", description = "The job's record as one JSON line (docs/events.md) instead of text.")
    boolean json;

    @CommandLine.Mixin
    BufferOption buffer = new BufferOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if ((pid == null) == (cgroup == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either --pid P or --cgroup PATH");
        }
        JobTracker tracker = new JobTracker(name != null ? name : pid != null ? "pid " + pid : cgroup, List.of(),
                (int) ProcessHandle.current().pid());
        if (cgroup != null) {
            try {
                tracker.follow(JobCgroup.existing(JobCgroup.resolve(cgroup)));
            } catch (IOException e) {
                err.println("upcall: --cgroup " + Printable.escape(cgroup) + ": " + Printable.escape(e.getMessage()));
                return 1;
            }
        }
        Upcall upcall = JobOutput.stream(tracker, buffer.receiveBuffer, err);
        if (upcall == null) {
            return 1;
        }
        try (upcall) {
            // After the stream started: no fork falls between /proc (or cgroup.procs) and the events.
            if (pid != null) {
                tracker.adopt(pid, Instant.now());
            } else if (!tracker.adoptCgroup(Instant.now())) {
                err.println("upcall: --cgroup " + Printable.escape(cgroup) + " holds no process: nothing to account");
                return 1;
            }
            JobOutput.awaitEnd(tracker);
        }
        JobOutput.print(tracker.record(Instant.now()), json, jobs.parent.out(), err);
        return 0;
    }
}
