package io.upcall.cli;

import io.upcall.core.coldplug.Coldplug;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code upcall devices trigger}: coldplug, like {@code udevadm trigger}. */
@Command(name = "trigger", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Coldplug: writes ACTION (with a synthetic UUID of Upcall's own) to the uevent file of every matching "
                + "device under /sys/devices, so the kernel sends its uevent again. Needs root.", ""},
        footer = {"", "Examples:",
                "  upcall devices trigger --subsystem net --action change --settle",
                "  upcall devices trigger --dry-run"})
final class TriggerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--subsystem", paramLabel = "S[,S...]", description = "Only devices of these subsystems (repeatable).")
    List<String> subsystems = List.of();

    @Option(names = "--sysname", split = ",", paramLabel = "NAME",
            description = "Only devices with this name, the last part of the devpath, such as lo (repeatable).")
    List<String> sysnames = List.of();

    @Option(names = "--action", paramLabel = "A", description = "add or change (default: ${DEFAULT-VALUE}).")
    String action = "change";

    @Option(names = "--dry-run", description = "List the devices, write nothing.")
    boolean dryRun;

    @Option(names = "--settle", description = "Wait until every triggered uevent has come back (see --timeout).")
    boolean settle;

    @Option(names = "--timeout", paramLabel = "D", converter = Converters.DurationConverter.class,
            description = "How long --settle waits (default: 10s).")
    Duration timeout = Duration.ofSeconds(10);

    @Override
    public Integer call() throws Exception {
        if (!action.equals("add") && !action.equals("change")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--action must be add or change, not '" + action + "'");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path sys = Path.of("/sys");
        List<Coldplug.Device> devices = Coldplug.devices(sys,
                Set.copyOf(CommaLists.split(subsystems, "--subsystem", "a subsystem such as net or block", spec.commandLine())));
        if (!sysnames.isEmpty()) {
            devices = devices.stream().filter(d -> sysnames.contains(d.devpath().substring(d.devpath().lastIndexOf('/') + 1)))
                    .toList();
        }
        if (dryRun) {
            devices.forEach(d -> out.println(Printable.escape(d.devpath() + (d.subsystem() != null ? " (" + d.subsystem() + ")" : ""))));
            out.flush();
            return 0;
        }
        if (!devices.isEmpty()) {
            // One look at the first device instead of one refusal per device (hundreds of lines) for a user who is not root.
            Path first = sys.resolve(devices.getFirst().devpath().substring(1)).resolve("uevent");
            if (!Files.isWritable(first)) {
                err.println("upcall: devices trigger needs root: it writes to each device's uevent file under /sys/devices, "
                        + "and " + first + " is not writable for this user; try: sudo bin/upcall devices trigger "
                        + "(--dry-run lists the devices without root)");
                err.flush();
                return 1;
            }
        }
        long start = System.nanoTime();
        Coldplug.Result r = Coldplug.trigger(sys, devices, action, settle, timeout);
        r.failed().forEach((devpath, why) -> err.println("upcall: " + Printable.escape(devpath + ": " + why)));
        String took = String.format("%.2f s", (System.nanoTime() - start) / 1e9);
        if (!r.unseen().isEmpty()) {
            err.println("upcall: triggered " + r.triggered().size() + " devices; " + r.unseen().size()
                    + " uevents had not come back after " + timeout.toMillis() + " ms: " + r.unseen());
            return 1;
        }
        err.println("upcall: triggered " + action + " on " + r.triggered().size() + " devices"
                + (settle ? ", all seen again in " + took : ""));
        return r.failed().isEmpty() ? 0 : 1;
    }
}
