package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.event.ErrorHandler;
import io.upcall.core.event.LossEvent;
import io.upcall.core.proc.ProcOptions;
import io.upcall.core.relay.Relay;
import io.upcall.core.relay.RelayRegistrant;
import io.upcall.core.relay.RelayServer;
import io.upcall.linux.Signals;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code upcall relay serve}: the relay service. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Runs the relay: listens to the proc connector and on its control socket, and signals every "
                + "registered process as its filter asks. Runs until SIGINT or SIGTERM (or --duration). "
                + "Registrations, refusals and proc-connector loss are logged to standard error.", ""},
        footer = {"", "Examples:",
                "  sudo upcall relay serve",
                "  sudo upcall relay serve --socket /srv/relay/r.sock --signal SIGRTMIN+4 \\",
                "      --max-per-uid 8",
                "  (the socket's directory must belong to the relay's user, writable by no",
                "  one else)"})
final class RelayServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RelaySocketOption socket;

    @Mixin
    BufferOption buffer = new BufferOption();

    @Option(names = "--signal", paramLabel = "N", converter = Converters.SignalConverter.class,
            description = "The default signal: a number or a name (default: SIGRTMIN, 34; 32 and 33 are refused).")
    int signal = Relay.DEFAULT_SIGNAL;

    @Option(names = "--max-per-uid", paramLabel = "N",
            description = "How many processes one user may have registered at once (default: ${DEFAULT-VALUE}).")
    int maxPerUid = RelayServer.DEFAULT_MAX_PER_UID;

    @Option(names = "--duration", paramLabel = "D", converter = Converters.DurationConverter.class,
            description = "Stop after D (default: until SIGINT or SIGTERM).")
    Duration duration;

    @Override
    public Integer call() throws Exception {
        if (maxPerUid < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-per-uid " + maxPerUid
                    + ": give 1 or more");
        }
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> log = RelayCommands.log(err);
        Relay relay = Relay.create();
        relay.defaultSignal(signal);
        // No /proc context and no batching pause: the relay wants the shortest fork-to-signal time.
        Upcall.Builder builder = Upcall.builder()
                .source(ProcOptions.defaults().withReceiveBuffer(buffer.receiveBuffer).withProcessContext(false))
                .batchDelay(Duration.ZERO)
                .subscribe(relay)
                .subscribe((event, endOfBatch) -> {
                    if (event instanceof LossEvent loss) {
                        log.accept("relay: warning: " + lossText(loss) + "; forks in it were not relayed");
                    }
                });
        return new StreamRunner(err).run(builder, duration, "relay serve", new StreamRunner.Session() {
            private RelayServer server;

            @Override
            public ErrorHandler errors() {
                return (where, error) -> log.accept("relay: " + where + ": " + error.getMessage());
            }

            @Override
            public int started(Upcall upcall) {
                try {
                    server = RelayServer.start(socket.socket, relay, log, maxPerUid);
                } catch (IOException e) {
                    err.println("upcall: cannot serve " + Printable.escape(socket.socket + ": " + e.getMessage()));
                    return 1;
                }
                log.accept("relay: serving " + server.path() + "; default signal " + Signals.name(signal) + " (" + signal
                        + ")");
                return 0;
            }

            @Override
            public void closed() throws InterruptedException {
                if (server == null) {
                    return;
                }
                server.close();
                for (RelayRegistrant r : relay.registrants()) {
                    log.accept("relay: pid " + r.pid() + " (" + r.comm() + "): " + r.sent() + " signals sent, " + r.failed()
                            + " failed");
                }
            }
        });
    }

    static String lossText(LossEvent loss) {
        return "lost " + (loss.count() != LossEvent.UNKNOWN ? loss.count() + " " : "") + loss.channel() + " events (" + loss.reason()
                + ")";
    }
}
