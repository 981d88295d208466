package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.file.FileOptions;
import io.upcall.core.proc.ProcOptions;
import io.upcall.core.relay.Relay;
import io.upcall.core.relay.RelayServer;
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
        description = {"Every available kernel channel merged into one stream (upcall doctor lists them): process events "
                + "(proc connector), device events (uevents), ... A channel the kernel refuses is left out with a warning.", ""},
        footer = {"", "Examples:",
                "  upcall monitor",
                "  upcall monitor --json --duration 10s > events.jsonl",
                "  upcall monitor --files /etc   also file events in /etc",
                "  sudo upcall monitor --relay   also signal registered processes on forks"})
final class MonitorCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    Main parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StreamOptions stream;

    @Option(names = "--relay", description = "Also serve relay fork (see: upcall relay) on --relay-socket while the "
            + "stream runs; it relays the process events this stream shows.")
    boolean relay;

    @Mixin
    RulesOption rules = new RulesOption();

    @Mixin
    FilesOption files = new FilesOption();

    @Mixin
    AuditContextOption auditContext = new AuditContextOption();

    // The default on a line of its own: picocli would break the path at its dot to fill a line.
    @Option(names = "--relay-socket", paramLabel = "PATH", description = {"The relay's control socket.",
            "Default: ${DEFAULT-VALUE}"})
    Path relaySocket = RelayServer.DEFAULT_SOCKET;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = parent.spec.commandLine().getErr();
        Upcall.Builder builder = Upcall.builder()
                .allSources(stream.buffer.receiveBuffer)
                .source(StreamRunner.procOptions(stream, auditContext.proc(ProcOptions.defaults())))
                .skipUnavailable(true);
        FileOptions fileOptions = files.options(spec.commandLine());
        if (fileOptions != null) {
            builder.source(fileOptions);
        }
        int usage = rules.apply(builder, spec.commandLine(), err);
        if (usage != 0) {
            return usage;
        }
        StreamRunner runner = new StreamRunner(err);
        if (!relay) {
            return runner.print(builder, parent.out(), stream.output(), "monitor", e -> true,
                    auditContext.session(err, "monitor"));
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
            return runner.print(builder.subscribe(forkRelay), parent.out(), stream.output(), "monitor", e -> true,
                    auditContext.session(err, "monitor"));
        } finally {
            server.close();
        }
    }
}
