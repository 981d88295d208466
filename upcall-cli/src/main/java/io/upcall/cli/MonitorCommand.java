package io.upcall.cli;

import io.upcall.core.DeviceOptions;
import io.upcall.core.ProcOptions;
import io.upcall.core.Relay;
import io.upcall.core.RelayServer;
import io.upcall.core.Upcall;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code upcall monitor}: every available source, merged into one stream. */
@Command(name = "monitor", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Every available kernel source merged into one stream: process events (proc connector) and "
                + "device events (uevents). A source the kernel refuses is left out with a warning.", ""},
        footer = {"", "Examples:",
                "  upcall monitor",
                "  upcall monitor --json --duration 10s > events.jsonl",
                "  sudo upcall monitor --relay     also signal registered processes on every fork"})
final class MonitorCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    Main parent;

    @Mixin
    StreamOptions stream;

    @Option(names = "--relay", description = "Also serve relay fork (see: upcall relay) on --relay-socket while the "
            + "stream runs; it relays the process events this stream shows.")
    boolean relay;

    @Option(names = "--relay-socket", paramLabel = "PATH", description = "The relay's control socket (default: ${DEFAULT-VALUE}).")
    Path relaySocket = RelayServer.DEFAULT_SOCKET;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = parent.spec.commandLine().getErr();
        StreamRunner runner = new StreamRunner(parent.out(), err);
        if (!relay) {
            return runner.runProcs(stream, ProcOptions.defaults(), DeviceOptions.defaults());
        }
        Relay forkRelay = Relay.create();
        RelayServer server;
        try {
            server = RelayServer.start(relaySocket, forkRelay, RelayCommands.log(err));
        } catch (IOException e) {
            err.println("upcall: cannot serve the relay on " + Printable.escape(relaySocket + ": " + e.getMessage()));
            return 1;
        }
        try {
            return runner.runProcs(stream, ProcOptions.defaults(), DeviceOptions.defaults(),
                    Upcall.builder().subscribe(forkRelay));
        } finally {
            server.close();
        }
    }
}
