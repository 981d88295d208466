package io.upcall.cli;

import io.upcall.core.relay.RelayClient;
import io.upcall.linux.Signals;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code upcall relay signal [N]}: the 2005 proposal's {@code signal} attribute. */
@Command(name = "signal", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Shows the relay's default signal or, given N, sets it (root or the relay's own user). "
                + "Registrations that chose no signal of their own follow it.", ""},
        footer = {"", "Examples:", "  upcall relay signal", "  sudo upcall relay signal SIGRTMIN+3"})
final class RelaySignalCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RelaySocketOption socket;

    @Parameters(arity = "0..1", paramLabel = "N", converter = Converters.SignalConverter.class,
            description = "The new default: a number or a name (32 and 33 are refused).")
    Integer signal;

    @Override
    public Integer call() {
        return RelayCommands.print(spec, () -> {
            int now = RelayClient.at(socket.socket).signal(signal != null ? signal : 0);
            return Signals.name(now) + " (" + now + ")";
        });
    }
}
