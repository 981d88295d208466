package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.hotplug.HotplugRule;
import io.upcall.core.hotplug.HotplugRules;
import io.upcall.core.hotplug.HotplugRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --rules FILE} and {@code --max-jobs N}: hotplug rules, for every command whose stream has device events. */
final class RulesOption {
    @Option(names = "--rules", paramLabel = "FILE", description = "Hotplug rules (YAML): for each kernel uevent they match, "
            + "run a program with the uevent in its environment; each outcome is an 'action' event in the stream.")
    Path rules;

    @Option(names = "--max-jobs", paramLabel = "N", description = "With --rules: programs running at once across devices "
            + "(default: the file's max_jobs, else " + HotplugRules.DEFAULT_MAX_JOBS + ").")
    Integer maxJobs;

    /**
     * Adds the rules to {@code builder} as a reaction, if asked.
     * @return 0, or the exit status of a usage error already reported on {@code err}
     */
    int apply(Upcall.Builder builder, CommandLine commandLine, PrintWriter err) {
        if (rules == null) {
            if (maxJobs != null) {
                throw new CommandLine.ParameterException(commandLine, "--max-jobs goes with --rules FILE");
            }
            return 0;
        }
        HotplugRules loaded;
        try {
            loaded = RulesParser.parse(rules);
        } catch (RulesParser.RulesFileException e) {
            err.println("upcall: " + Printable.escape(e.getMessage())); // quotes the file
            err.flush();
            return 2; // a usage error, as picocli's own
        }
        if (maxJobs != null) {
            if (maxJobs <= 0) {
                throw new CommandLine.ParameterException(commandLine, "--max-jobs must be positive, not " + maxJobs);
            }
            loaded = loaded.withMaxJobs(maxJobs);
        }
        warnAboutMissingPrograms(loaded, err);
        HotplugRunner runner = HotplugRunner.of(loaded);
        if (runner.uncontained() != null) {
            err.println("upcall: warning: hotplug programs get no cgroup of their own (" + Printable.escape(runner.uncontained())
                    + "): a child that double-forks outlives its program and its timeout");
        }
        builder.react(runner);
        return 0;
    }

    /** A program that is not there yet is not an error (it may be installed later), but it is worth a word. */
    private static void warnAboutMissingPrograms(HotplugRules loaded, PrintWriter err) {
        for (int i = 0; i < loaded.rules().size(); i++) {
            HotplugRule rule = loaded.rules().get(i);
            String program = rule.run().getFirst();
            if (!Files.isExecutable(Path.of(program))) {
                err.println("upcall: warning: rule " + (i + 1) + ": " + Printable.escape(program) + " is not an executable file (yet): "
                        + "its runs will fail to start");
            }
        }
    }
}
