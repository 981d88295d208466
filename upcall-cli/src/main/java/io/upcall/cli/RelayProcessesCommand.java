package io.upcall.cli;

import io.upcall.core.relay.RelayClient;
import io.upcall.core.relay.RelayRegistrant;
import io.upcall.linux.Signals;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code upcall relay processes}: the 2005 proposal's {@code processes} attribute. */
@Command(name = "processes", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Lists the registered processes: pid, comm, signal, filter, signals sent and failed "
                + "(failed: the receiver's queue of pending signals was full, or it may not be signalled).", ""})
final class RelayProcessesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RelaySocketOption socket;

    @Option(names = "--json", description = "One JSON object per process.")
    boolean json;

    @Override
    public Integer call() {
        return RelayCommands.print(spec, () -> format(RelayClient.at(socket.socket).processes(), json));
    }

    static String format(List<RelayRegistrant> list, boolean json) {
        StringBuilder text = new StringBuilder();
        if (!json) {
            text.append(String.format("%7s  %-16s %-16s %10s %8s  %s", "PID", "COMM", "SIGNAL", "SENT", "FAILED", "FILTER"));
        }
        for (RelayRegistrant r : list) {
            if (json) {
                text.append(text.isEmpty() ? "" : "\n").append(r.toJson());
            } else {
                text.append('\n').append(String.format("%7d  %-16s %-16s %10d %8d  %s", r.pid(), Printable.escape(r.comm()),
                        Signals.name(r.signal()) + (r.defaultSignal() ? "*" : ""), r.sent(), r.failed(), r.filter()));
            }
        }
        if (!json && list.isEmpty()) {
            text.append("\n(no process is registered)");
        } else if (!json && list.stream().anyMatch(RelayRegistrant::defaultSignal)) {
            text.append("\n* the relay's default signal");
        }
        return text.toString();
    }
}
