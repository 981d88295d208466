package io.upcall.cli;

import io.upcall.core.DeviceOptions;
import io.upcall.core.ProcOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code upcall monitor}: every available source, merged into one stream. */
@Command(name = "monitor", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Every available kernel source merged into one stream: process events (proc connector) and "
                + "device events (uevents). A source the kernel refuses is left out with a warning.", ""},
        footer = {"", "Examples:",
                "  upcall monitor",
                "  upcall monitor --json --duration 10s > events.jsonl"})
final class MonitorCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    Main parent;

    @Mixin
    StreamOptions stream;

    @Override
    public Integer call() throws Exception {
        return new StreamRunner(parent.out(), parent.spec.commandLine().getErr())
                .runProcs(stream, ProcOptions.defaults(), DeviceOptions.defaults());
    }
}
