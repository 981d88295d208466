package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.acct.JobTracker;
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
        footer = {"", "Example:", "  upcall jobs add --pid 1234 --name nightly-build --json"})
final class JobsAddCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    JobsCommand jobs;

    @Option(names = "--pid", paramLabel = "P", required = true, converter = Converters.LivePidConverter.class,
            description = "The running process that is the job.")
    Integer pid;

    @Option(names = "--name", paramLabel = "N", description = "The job's name in its record (default: pid P).")
    String name;

    @Option(names = "--json", description = "The job's record as one JSON line (docs/events.md) instead of text.")
    boolean json;

    @CommandLine.Mixin
    BufferOption buffer = new BufferOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        JobTracker tracker = new JobTracker(name != null ? name : "pid " + pid, List.of(), (int) ProcessHandle.current().pid());
        Upcall upcall = JobOutput.stream(tracker, buffer.receiveBuffer, err);
        if (upcall == null) {
            return 1;
        }
        try (upcall) {
            tracker.adopt(pid, Instant.now()); // after the stream started: no fork falls between /proc and the events
            JobOutput.awaitEnd(tracker);
        }
        JobOutput.print(tracker.record(Instant.now()), json, jobs.parent.out(), err);
        return 0;
    }
}
