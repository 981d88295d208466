package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.acct.AcctOptions;
import io.upcall.core.acct.DelayAccounting;
import io.upcall.core.proc.ProcChannel;
import io.upcall.core.proc.ProcEventType;
import io.upcall.core.proc.ProcOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code upcall acct}: taskstats exit records, like {@code lastcomm} with every figure. */
@Command(name = "acct", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = AcctReportCommand.class,
        description = {"Process accounting from the kernel's taskstats exit records: one record per process when it "
                + "ends (its threads summed), with CPU, memory high-water marks, faults, I/O, context switches and "
                + "delays, like lastcomm with every figure. Needs root (registering for exit records).",
                "Delay figures other than cpu stay 0 unless delay accounting is on (upcall doctor says; --delays "
                + "switches it on while acct runs).", ""},
        footer = {"", "Examples:",
                "  upcall acct --comm make --json",
                "  upcall acct --user alice --count 10",
                "  upcall acct --jobs-only --json"})
final class AcctCommand implements Callable<Integer> {
    private static final Path PASSWD = Path.of("/etc/passwd");
    /**
     * The pause after a partial batch: 20 ms, not the stream default of 2 ms. A record is about a process that already
     * ended, so 20 ms more before it is printed costs nothing, and with fewer, fuller wake-ups Upcall's CPU per record
     * at 1000 exits/s fell by a third to a half (BENCHMARKS.md §8). {@code -Dupcall.batchDelayNanos} still sets another.
     */
    static final Duration BATCH_DELAY = Duration.ofNanos(Long.getLong("upcall.batchDelayNanos", 20_000_000L));

    @CommandLine.ParentCommand
    Main parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "JSON Lines (docs/events.md) instead of the table.")
    boolean json;

    @Option(names = "--user", paramLabel = "U", description = "Only processes of this user (a name or a uid).")
    String user;

    @Option(names = "--comm", paramLabel = "C", description = "Only processes with this command name (as ps shows it, "
            + "at most 15 characters).")
    String comm;

    @Option(names = "--threads", description = "Also a record for each thread as it ends (type thread_exit).")
    boolean threads;

    @Option(names = "--jobs", description = "Also a job record per session (type job) when its last process ended: "
            + "a process that calls setsid() starts a job named after it, its descendants by fork lineage are its "
            + "members (until one calls setsid() itself), and the record sums their exit records, as CSA's job per "
            + "login. A session running at the start is a job from then on: its processes then running count whole, "
            + "those that ended before do not.")
    boolean jobs;

    @Option(names = "--jobs-only", description = "Only the job records of --jobs, no exit records. With --user and "
            + "--comm, the job's leader (its first process) must have that user and command.")
    boolean jobsOnly;

    @Option(names = "--delays", description = "Switch delay accounting on (kernel.task_delayacct) while this runs, and "
            + "put back the value found when it ends.")
    boolean delays;

    @CommandLine.Mixin
    StopOptions stop = new StopOptions();

    @CommandLine.Mixin
    BufferOption buffer = new BufferOption();

    @CommandLine.Mixin
    ColorOption color = new ColorOption();

    @Override
    public Integer call() throws Exception {
        CommandLine line = spec.commandLine();
        if (comm != null && comm.isBlank()) {
            throw new CommandLine.ParameterException(line, "--comm is empty: give a command name such as make, or leave it out");
        }
        long uid = user == null ? AcctOptions.ANY : uid(user, line);
        AcctOptions.Jobs which = jobsOnly ? AcctOptions.Jobs.ONLY : jobs ? AcctOptions.Jobs.WITH : AcctOptions.Jobs.NONE;
        AcctOptions options = new AcctOptions(uid, comm, threads, buffer.receiveBuffer, which);
        DelayAccounting held = null;
        if (delays) {
            try {
                held = DelayAccounting.enable();
            } catch (IOException e) {
                line.getErr().println("upcall: " + Printable.escape(e.getMessage()));
                return 1;
            }
        }
        try {
            Upcall.Builder builder = Upcall.builder().source(options).batchDelay(BATCH_DELAY);
            if (which != AcctOptions.Jobs.NONE) {
                // Sessions begin at sid events and members join at forks: read, not shown (only acct and loss are).
                builder.source(ProcOptions.defaults().withEvents(Set.of(ProcEventType.FORK, ProcEventType.SID))
                        .withProcessContext(false).withReceiveBuffer(buffer.receiveBuffer));
            }
            return new StreamRunner(line.getErr()).print(builder, parent.out(),
                    new StreamRunner.Output(json, stop.count, stop.duration,
                            json ? null : new TableFormatter(color.useColor(), Terminals.columns())), "acct",
                    e -> !ProcChannel.NAME.equals(e.source()), new StreamRunner.Session() { });
        } finally {
            if (held != null) {
                held.close();
            }
        }
    }

    /** A uid as given, or the uid of a user named in {@code /etc/passwd}. */
    static long uid(String user, CommandLine line) {
        if (user.matches("[0-9]{1,10}") && Long.parseLong(user) <= 0xffff_ffffL) {
            return Long.parseLong(user);
        }
        try {
            List<String> lines = Files.readAllLines(PASSWD);
            for (String entry : lines) {
                String[] f = entry.split(":", -1);
                if (f.length > 2 && f[0].equals(user) && f[2].matches("[0-9]{1,10}")) {
                    return Long.parseLong(f[2]);
                }
            }
        } catch (IOException e) {
            throw new CommandLine.ParameterException(line, "--user " + user + ": cannot read " + PASSWD + " ("
                    + e.getMessage() + "); give a numeric uid");
        }
        throw new CommandLine.ParameterException(line, "--user " + user + ": no such user in " + PASSWD
                + "; give a user name or a numeric uid");
    }
}
