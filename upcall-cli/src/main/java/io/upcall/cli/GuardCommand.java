package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.guard.Guard;
import io.upcall.core.guard.GuardOptions;
import io.upcall.core.guard.GuardRule;
import io.upcall.core.guard.GuardRules;
import io.upcall.core.guard.Operation;
import io.upcall.core.guard.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upcall guard}: allow or deny opens and execs under the given paths, each answer an {@code access} event. */
@Command(name = "guard", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Answer every open and exec of files under PATH (fanotify permission events) by rules, and "
                + "show each answer. Rules are tried in the order given; the first that matches decides, else --default. "
                + "An opener never waits past --deadline: a late decision gets the --on-timeout verdict. Root only "
                + "(CAP_SYS_ADMIN): see the security notes (docs/security.md).", ""},
        footer = {"", "An exec is asked about twice: as exec, then (if allowed) as open; so --default deny needs "
                + "--allow-open beside --allow-exec. A directory covers the files directly in it; --mount covers its "
                + "whole mount.", "", "Examples:",
                "  sudo upcall guard /opt/drop --deny-exec '*'        nothing there runs",
                "  sudo upcall guard /srv/secret --deny-open '*' --json    no opens, JSON",
                "  sudo upcall guard /tmp --rule 'deny exec uid=1000'  not for uid 1000"})
final class GuardCommand implements Callable<Integer> {
    /** CAP_SYS_ADMIN's bit in {@code CapEff} ({@code <linux/capability.h>}). */
    static final int CAP_SYS_ADMIN = 21;

    @CommandLine.ParentCommand
    Main parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files and directories to guard.")
    List<Path> paths;

    @Option(names = "--deny-exec", paramLabel = "GLOB", description = "Deny executing files whose path matches GLOB "
            + "(* crosses /: '*/evil').")
    List<String> denyExec = new ArrayList<>();

    @Option(names = "--deny-open", paramLabel = "GLOB", description = "Deny opening files whose path matches GLOB.")
    List<String> denyOpen = new ArrayList<>();

    @Option(names = "--allow-exec", paramLabel = "GLOB", description = "Allow executing files whose path matches GLOB.")
    List<String> allowExec = new ArrayList<>();

    @Option(names = "--allow-open", paramLabel = "GLOB", description = "Allow opening files whose path matches GLOB.")
    List<String> allowOpen = new ArrayList<>();

    @Option(names = "--rule", paramLabel = "RULE", description = "A rule with conditions: 'allow|deny open|exec|any "
            + "[path=GLOB] [uid=N] [exe=GLOB]'; uid is the opener's real uid, exe its executable.")
    List<String> rules = new ArrayList<>();

    @Option(names = "--default", paramLabel = "VERDICT", description = "allow or deny what no rule matches. Default: allow.")
    String byDefault = "allow";

    @Option(names = "--deadline", paramLabel = "MS", description = "Milliseconds an opener may wait for a decision "
            + "(10 to 600000). Default: 250.")
    long deadlineMillis = GuardOptions.DEFAULT_DEADLINE.toMillis();

    @Option(names = "--on-timeout", paramLabel = "VERDICT", description = "allow or deny when the decision is late. "
            + "Default: allow.")
    String onTimeout = "allow";

    @Option(names = "--mount", description = "Guard the whole mount each PATH is on (FAN_MARK_MOUNT).")
    boolean mount;

    @Option(names = "--json", description = "JSON Lines (docs/events.md) instead of the table.")
    boolean json;

    @CommandLine.Mixin
    StopOptions stop = new StopOptions();

    @CommandLine.Mixin
    ColorOption color = new ColorOption();

    @Override
    public Integer call() throws Exception {
        CommandLine line = spec.commandLine();
        Verdict fallback = verdict(byDefault, "--default", line);
        Verdict late = verdict(onTimeout, "--on-timeout", line);
        Duration deadline = Duration.ofMillis(deadlineMillis);
        if (deadline.compareTo(GuardOptions.MIN_DEADLINE) < 0 || deadline.compareTo(GuardOptions.MAX_DEADLINE) > 0) {
            throw new CommandLine.ParameterException(line, "--deadline " + deadlineMillis + " is outside 10..600000 ms");
        }
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new CommandLine.ParameterException(line, "cannot guard " + p + ": no such file or directory");
            }
        }
        List<GuardRule> ordered = rulesInOrder(line);
        PrintWriter err = line.getErr();
        if (!hasCapSysAdmin()) {
            err.println("upcall: guard needs root (CAP_SYS_ADMIN): it answers other users' opens and execs; try: "
                    + "sudo bin/upcall guard ...");
            err.flush();
            return 1;
        }
        Guard guard = Guard.of(new GuardOptions(paths, mount, deadline, late), GuardRules.of(ordered, fallback));
        return new StreamRunner(err).print(Upcall.builder().produce(guard), parent.out(),
                new StreamRunner.Output(json, stop.count, stop.duration,
                        json ? null : new TableFormatter(color.useColor(), Terminals.columns())), "guard");
    }

    private static Verdict verdict(String word, String option, CommandLine line) {
        try {
            return Verdict.of(word);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(line, option + ": " + e.getMessage());
        }
    }

    /**
     * The rules in command-line order, across the five options: picocli keeps each option's values in order, and the
     * parse result the order in which options were matched.
     */
    List<GuardRule> rulesInOrder(CommandLine line) {
        Map<String, Integer> taken = new HashMap<>();
        List<GuardRule> ordered = new ArrayList<>();
        for (ArgSpec arg : line.getParseResult().matchedArgs()) {
            if (!(arg instanceof OptionSpec o)) {
                continue;
            }
            String name = o.longestName();
            List<String> values = switch (name) {
                case "--deny-exec" -> denyExec;
                case "--deny-open" -> denyOpen;
                case "--allow-exec" -> allowExec;
                case "--allow-open" -> allowOpen;
                case "--rule" -> rules;
                default -> null;
            };
            if (values == null) {
                continue;
            }
            int i = taken.merge(name, 1, Integer::sum) - 1;
            if (i >= values.size()) {
                continue;
            }
            String value = values.get(i);
            try {
                ordered.add(switch (name) {
                    case "--deny-exec" -> GuardRule.ofPath(Verdict.DENY, Operation.EXEC, value);
                    case "--deny-open" -> GuardRule.ofPath(Verdict.DENY, Operation.OPEN, value);
                    case "--allow-exec" -> GuardRule.ofPath(Verdict.ALLOW, Operation.EXEC, value);
                    case "--allow-open" -> GuardRule.ofPath(Verdict.ALLOW, Operation.OPEN, value);
                    default -> GuardRule.parse(value);
                });
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(line, name + ": " + e.getMessage());
            }
        }
        return ordered;
    }

    /** Whether this process has CAP_SYS_ADMIN in its effective set ({@code CapEff} in {@code /proc/self/status}). */
    static boolean hasCapSysAdmin() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(l.substring(7).strip(), 16) >>> CAP_SYS_ADMIN & 1) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return true; // cannot tell: let the kernel decide (fanotify_init says EPERM)
        }
        return true;
    }
}
