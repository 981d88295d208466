package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.device.DeviceOptions;
import io.upcall.core.hotplug.HotplugRule;
import java.io.PrintWriter;
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
                "  upcall devices --rules hotplug.yaml   run programs on uevents (README)"})
final class DevicesCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    Main parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "JSON Lines (docs/events.md) instead of udevadm-style lines.")
    boolean json;

    @Option(names = "--subsystem", paramLabel = "S[,S...]", description = "Only these subsystems (repeatable).")
    List<String> subsystems = List.of();

    @Option(names = "--devtype", paramLabel = "T", description = "Only this devtype.")
    String devtype;

    @Option(names = "--action", paramLabel = "A[,A...]", description = "Only these actions (repeatable): add, remove, "
            + "change, move, online, offline, bind, unbind.")
    List<String> actions = List.of();

    @Option(names = "--udev", description = "Also udev's re-broadcast (group 2, libudev format), from root only.")
    boolean udev;

    @Option(names = "--env", description = "Print every property under each event (table output).")
    boolean env;

    @CommandLine.Mixin
    RulesOption rules = new RulesOption();

    @CommandLine.Mixin
    StopOptions stop = new StopOptions();

    @CommandLine.Mixin
    BufferOption buffer = new BufferOption();

    @CommandLine.Mixin
    ColorOption color = new ColorOption();

    @Override
    public Integer call() throws Exception {
        CommandLine line = spec.commandLine();
        if (devtype != null && devtype.isBlank()) {
            throw new CommandLine.ParameterException(line, "--devtype is empty: give a devtype such as disk, or leave it out");
        }
        DeviceOptions options = new DeviceOptions(
                Set.copyOf(CommaLists.split(subsystems, "--subsystem", "a subsystem such as net or block", line)), devtype,
                Set.copyOf(CommaLists.split(actions, "--action", HotplugRule.ACTIONS, line)), udev, buffer.receiveBuffer);
        Upcall.Builder builder = Upcall.builder().source(options);
        PrintWriter err = spec.commandLine().getErr();
        int usage = rules.apply(builder, spec.commandLine(), err);
        if (usage != 0) {
            return usage;
        }
        return new StreamRunner(err).print(builder, parent.out(),
                new StreamRunner.Output(json, stop.count, stop.duration, json ? null
                        : new UdevStyleFormatter(color.useColor(), env, udev)), "devices");
    }
}
