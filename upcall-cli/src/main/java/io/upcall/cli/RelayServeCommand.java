package io.upcall.cli;

import io.upcall.core.LossEvent;
import io.upcall.core.ProcOptions;
import io.upcall.core.Relay;
import io.upcall.core.RelayRegistrant;
import io.upcall.core.RelayServer;
import io.upcall.core.Upcall;
import io.upcall.linux.LinuxException;
import io.upcall.linux.Signals;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
                "  upcall relay serve --socket /tmp/relay.sock --signal SIGRTMIN+4"})
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

    @Option(names = "--duration", paramLabel = "D", converter = Converters.DurationConverter.class,
            description = "Stop after D (default: until SIGINT or SIGTERM).")
    Duration duration;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> log = RelayCommands.log(err);
        CountDownLatch done = new CountDownLatch(1);
        Terminals.onTerminationSignals(done::countDown);
        Relay relay = Relay.create();
        relay.defaultSignal(signal);
        Upcall upcall;
        try {
            // No /proc context and no batching pause: the relay wants the shortest fork-to-signal time.
            upcall = Upcall.builder()
                    .proc(ProcOptions.defaults().withReceiveBuffer(buffer.receiveBuffer))
                    .processContext(false)
                    .batchDelay(Duration.ZERO)
                    .subscribe(relay)
                    .subscribe((event, endOfBatch) -> {
                        if (event instanceof LossEvent loss) {
                            log.accept("relay: warning: " + lossText(loss) + "; forks in it were not relayed");
                        }
                    })
                    .errorHandler((where, error) -> log.accept("relay: " + where + ": " + error.getMessage()))
                    .start();
        } catch (LinuxException e) {
            err.println("upcall: cannot listen to the proc connector: " + Printable.escape(e.getMessage()));
            return 1;
        }
        RelayServer server;
        try {
            server = RelayServer.start(socket.socket, relay, log);
        } catch (IOException e) {
            upcall.close();
            err.println("upcall: cannot serve " + Printable.escape(socket.socket + ": " + e.getMessage()));
            return 1;
        }
        upcall.warnings().forEach(w -> log.accept("upcall: warning: " + w));
        log.accept("relay: serving " + server.path() + "; default signal " + Signals.name(signal) + " (" + signal + ")");
        try {
            if (duration != null) {
                done.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                done.await();
            }
        } finally {
            server.close();
            for (RelayRegistrant r : relay.registrants()) {
                log.accept("relay: pid " + r.pid() + " (" + r.comm() + "): " + r.sent() + " signals sent, " + r.failed()
                        + " failed");
            }
            upcall.close();
        }
        return 0;
    }

    static String lossText(LossEvent loss) {
        return "lost " + (loss.count() != LossEvent.UNKNOWN ? loss.count() + " " : "") + loss.channel() + " events (" + loss.reason()
                + ")";
    }
}
