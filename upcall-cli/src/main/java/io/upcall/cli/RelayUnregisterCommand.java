package io.upcall.cli;

import io.upcall.core.relay.RelayClient;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code upcall relay unregister}. */
@Command(name = "unregister", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Stops signalling a process. A process that exits is unregistered by itself.", ""})
final class RelayUnregisterCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RelaySocketOption socket;

    @Option(names = "--pid", paramLabel = "P", description = "The process (default: the one that runs this command).")
    Integer pid;

    @Override
    public Integer call() {
        RelayCommands.checkPid(spec, "--pid", pid);
        int target = pid != null ? pid : RelayCommands.caller();
        return RelayCommands.print(spec, () -> RelayClient.at(socket.socket).unregister(target));
    }
}
