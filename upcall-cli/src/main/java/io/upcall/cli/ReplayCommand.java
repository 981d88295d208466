package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.capture.CaptureReplay;
import io.upcall.core.channel.Channel;
import io.upcall.core.channel.Channels;
import io.upcall.core.proc.ProcEventType;
import io.upcall.core.proc.ProcOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upcall replay FILE}: a recording through the same decoders, checks and filters as live input. */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Replays a capture (pcapng from 'upcall record', or classic pcap with LINKTYPE_NETLINK as from an "
                + "nlmon device) through the same decoders, sender checks, loss detection and filters as live input. "
                + "Event times are capture times; process context, which only a live /proc gives, is left out. "
                + "Replaying a file twice prints the same bytes.", ""},
        footer = {"", "Examples:",
                "  upcall replay procs.pcapng --json",
                "  upcall replay procs.pcapng --events exit --tree 1234"})
final class ReplayCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Main parent;

    @Parameters(paramLabel = "FILE", description = "The capture to read.")
    Path file;

    @Option(names = "--json", description = "JSON Lines (docs/events.md) instead of the table.")
    boolean json;

    @Option(names = "--events", paramLabel = "TYPE[,TYPE...]", description = EventTypes.DESCRIPTION)
    List<String> events;

    @Option(names = "--pid", paramLabel = "P", converter = Converters.PidConverter.class, description = "Only events about process P.")
    int pid;

    @Option(names = "--tree", paramLabel = "P", converter = Converters.PidConverter.class, description = "Only events of process P and the descendants the capture shows.")
    int tree;

    @Option(names = "--count", paramLabel = "N", converter = Converters.CountConverter.class, description = "Stop after N events.")
    Long count;

    @Mixin
    RulesOption rules = new RulesOption();

    @Option(names = "--run-actions", description = "With --rules: really run the rules' programs on the capture's uevents "
            + "(a replay runs nothing unless asked).")
    boolean runActions;

    @CommandLine.Mixin
    ColorOption color = new ColorOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (rules.rules != null && !runActions) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rules in a replay runs programs on recorded "
                    + "uevents: add --run-actions to mean it");
        }
        if (runActions && rules.rules == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--run-actions goes with --rules FILE");
        }
        Set<ProcEventType> types = EventTypes.parse(events, spec.commandLine());
        byte[] capture;
        try {
            // The file may come from anyone: one larger than a replay can hold is refused before it is read, not
            // met with an OutOfMemoryError half-way through.
            long size = Files.size(file);
            long limit = Math.min(Integer.MAX_VALUE - 8, Runtime.getRuntime().maxMemory() / 2);
            if (size > limit) {
                err.println("upcall: " + Printable.escape(file.toString()) + ": " + size + " bytes, more than the " + limit
                        + " a replay reads into memory here; split it first (editcap -c 1000000 FILE PART.pcapng)");
                return 1;
            }
            capture = Files.readAllBytes(file);
        } catch (IOException e) {
            err.println("upcall: " + Printable.escape(Errors.cannotRead(file, e)));
            return 1;
        }
        ProcOptions proc = ProcOptions.defaults().withEvents(types)
                .withProcessContext(false).withPid(pid).withTree(tree);
        Upcall.Builder builder = Upcall.builder();
        for (Channel<?> c : Channels.all()) { // every channel a capture may hold, those monitor opens only when asked too
            builder.source(c.defaults());
        }
        builder.source(proc);
        int usage = rules.apply(builder, spec.commandLine(), err);
        if (usage != 0) {
            return usage;
        }
        EventOutput output = new EventOutput(parent.out(), json ? null : new TableFormatter(color.useColor(),
                Terminals.columns()), count, () -> { });
        CaptureReplay.Summary summary = builder.subscribe(output)
                .errorHandler((where, e) -> err.println("upcall: " + where + ": " + Printable.escape(e.getMessage())))
                .replay(capture, output::finished);
        if (summary.packets() > 0 && summary.skipped() == summary.packets()) {
            // Not a recording of Upcall's channels at all (an Ethernet capture, say): exit 0 would hide the mistake.
            err.println("upcall: " + file + ": nothing in it that Upcall reads: all " + summary.packets() + " packets are "
                    + "of other channels; replay takes the channels 'upcall record' writes (upcall doctor lists them), "
                    + "and netlink captures of them from an nlmon device");
            return 1;
        }
        if (summary.skipped() > 0) {
            err.println("upcall: skipped " + summary.skipped() + " of " + summary.packets()
                    + " packets: channels this version does not decode");
        }
        if (summary.error() != null) {
            err.println("upcall: " + Printable.escape(file.toString()) + ": " + summary.error());
            return 1;
        }
        return 0;
    }
}
