package io.upcall.cli;

import io.upcall.core.DeviceOptions;
import io.upcall.core.HotplugRule;
import io.upcall.core.HotplugRules;
import io.upcall.core.Upcall;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code upcall devices}: uevents, like {@code udevadm monitor}. */
@Command(name = "devices", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = TriggerCommand.class,
        description = {"Device events from the kernel's uevents (hotplug add/remove, change, move, online, offline, bind, "
                + "unbind), like udevadm monitor. Only messages from the kernel (or, with --udev, from udev running as "
                + "root) are believed; others are reported as rejected.", ""},
        footer = {"", "Examples:",
                "  upcall devices --subsystem net --env",
                "  upcall devices --json --action add,remove",
                "  upcall devices --rules hotplug.yaml      run programs on uevents (README: Hotplug rules)"})
final class DevicesCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    Main parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "JSON Lines (docs/events.md) instead of udevadm-style lines.")
    boolean json;

    @Option(names = "--subsystem", split = ",", paramLabel = "S", description = "Only these subsystems (repeatable).")
    List<String> subsystems = List.of();

    @Option(names = "--devtype", paramLabel = "T", description = "Only this devtype.")
    String devtype;

    @Option(names = "--action", split = ",", paramLabel = "A", description = "Only these actions (repeatable).")
    List<String> actions = List.of();

    @Option(names = "--udev", description = "Also udev's re-broadcast (group 2, libudev format), from root only.")
    boolean udev;

    @Option(names = "--env", description = "Print every property under each event (table output).")
    boolean env;

    @Option(names = "--rules", paramLabel = "FILE", description = "Hotplug rules (YAML): for each kernel uevent they match, "
            + "run a program with the uevent in its environment; each outcome is an 'action' event in the stream.")
    Path rules;

    @Option(names = "--max-jobs", paramLabel = "N", description = "With --rules: programs running at once across devices "
            + "(default: the file's max_jobs, else " + HotplugRules.DEFAULT_MAX_JOBS + ").")
    Integer maxJobs;

    @CommandLine.Mixin
    StopOptions stop = new StopOptions();

    @CommandLine.Mixin
    BufferOption buffer = new BufferOption();

    @Option(names = "--color", paramLabel = "WHEN", description = "auto, always, never (default: ${DEFAULT-VALUE}).")
    StreamOptions.ColorMode color = StreamOptions.ColorMode.auto;

    @Override
    public Integer call() throws Exception {
        DeviceOptions options = new DeviceOptions(Set.copyOf(subsystems), devtype, Set.copyOf(actions), udev,
                buffer.receiveBuffer);
        Upcall.Builder builder = Upcall.builder().devices(options);
        PrintWriter err = spec.commandLine().getErr();
        if (rules != null) {
            HotplugRules loaded;
            try {
                loaded = RulesParser.parse(rules);
            } catch (RulesParser.RulesFileException e) {
                err.println("upcall: " + Printable.escape(e.getMessage())); // quotes the file
                err.flush();
                return 2; // a usage error, as picocli's own
            }
            builder.hotplug(withMaxJobs(loaded));
            warnAboutMissingPrograms(loaded, err);
        } else if (maxJobs != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-jobs goes with --rules FILE");
        }
        return new StreamRunner(parent.out(), err).run(builder,
                new StreamRunner.Output(json, stop.count, stop.duration, json ? null
                        : new UdevStyleFormatter(Terminals.useColor(color), env, udev)), "devices");
    }

    private HotplugRules withMaxJobs(HotplugRules loaded) {
        if (maxJobs == null) {
            return loaded;
        }
        if (maxJobs <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-jobs must be positive, not " + maxJobs);
        }
        return loaded.withMaxJobs(maxJobs);
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
