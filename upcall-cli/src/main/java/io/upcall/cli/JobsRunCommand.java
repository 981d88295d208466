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
import picocli.CommandLine.Parameters;

/**
 * {@code upcall jobs run -- CMD ARGS...}: runs a command as a new job, waits until its last member ended, and prints
 * the job's record. The exit status is the command's, as {@code time} does.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Runs CMD as a new job and prints the job's record when its last process ended: processes, "
                + "threads, CPU, I/O, faults, switches and delays summed over the command and every descendant. The "
                + "exit status is CMD's.", ""},
        footer = {"", "Examples:", "  upcall jobs run -- make -j4", "  upcall jobs run --name backup --json -- tar cf /tmp/x.tar /etc",
                "  upcall jobs run --cgroup upcall.slice/build --json -- make -j4"})
final class JobsRunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    JobsCommand jobs;

    @Option(names = "--name", paramLabel = "N", description = "The job's name in its record (default: the command).")
    String name;

    @Option(names = "--json", description = "The job's record as one JSON line (docs/events.md) instead of text.")
    boolean json;

    @Option(names = "--cgroup", paramLabel = "PATH", description = "Run CMD in this cgroup v2 directory (an absolute "
            + "path on a cgroup2 mount, or one relative to it, such as upcall/build), made if missing and then "
            + "removed at the end; the record sets the cgroup's own CPU and I/O counters beside the members' sum.")
    String cgroup;

    @CommandLine.Mixin
    BufferOption buffer = new BufferOption();

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        JobTracker tracker = new JobTracker(name, command, (int) ProcessHandle.current().pid());
        JobCgroup group = null;
        if (cgroup != null) {
            try {
                group = JobCgroup.create(JobCgroup.resolve(cgroup));
            } catch (IOException e) {
                err.println("upcall: --cgroup " + Printable.escape(cgroup) + ": " + Printable.escape(e.getMessage()));
                return 1;
            }
            tracker.follow(group);
        }
        try {
            return run(tracker, group, err);
        } finally {
            JobOutput.remove(group, err);
        }
    }

    private int run(JobTracker tracker, JobCgroup group, PrintWriter err) throws Exception {
        Upcall upcall = JobOutput.stream(tracker, buffer.receiveBuffer, err);
        if (upcall == null) {
            return 1;
        }
        int status;
        try (upcall) {
            Process p;
            // Taken before the start: a command that ends at once may have its exit record in before p.start() returns,
            // and a record counts for a member only when it came after the member began.
            Instant starting = Instant.now();
            try {
                p = new ProcessBuilder(group == null ? command : group.wrap(command)).inheritIO().start();
            } catch (IOException e) {
                err.println("upcall: cannot run " + Printable.escape(command.getFirst()) + ": " + Printable.escape(e.getMessage()));
                return 127;
            }
            tracker.root((int) p.pid(), starting);
            status = p.waitFor();
            // The first process ended; the job goes on while any descendant runs (a detached daemon included).
            JobOutput.awaitEnd(tracker);
        }
        JobOutput.print(tracker.record(Instant.now()), json, jobs.parent.out(), err);
        return status;
    }
}
