package io.upcall.cli;

import io.upcall.core.relay.RelayClient;
import io.upcall.core.relay.RelayFilter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code upcall relay register}. */
@Command(name = "register", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Registers a process with the relay: from now on it is sent a signal whose value "
                + "(si_value.sival_int) is the new child's pid on every fork, and the pid on exec and exit if asked. "
                + "Registering again replaces the filter. Another user's process needs root. The process must block "
                + "or handle the signal: a real-time signal's default action ends it, so a process that does neither "
                + "is refused, as is pid 1, unless --force.", ""},
        footer = {"", "Examples:",
                "  trap 'echo born' RTMIN; upcall relay register       this shell, forks of processes",
                "  upcall relay register --pid 812 --signal SIGRTMIN+2 --tree 812 --events fork,exit"})
final class RelayRegisterCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RelaySocketOption socket;

    @Option(names = "--pid", paramLabel = "P",
            description = "The process to signal (default: the one that runs this command, e.g. your shell).")
    Integer pid;

    @Option(names = "--signal", paramLabel = "N", converter = Converters.SignalConverter.class,
            description = "The signal: a number or a name such as SIGRTMIN+2 (default: the relay's; 32 and 33 are refused).")
    int signal;

    @Option(names = "--events", split = ",", paramLabel = "E",
            description = "Which events: fork, exec, exit (default: fork).")
    List<String> events = List.of("fork");

    @Option(names = "--tree", paramLabel = "P", description = "Only events inside process P's subtree.")
    Integer tree;

    @Option(names = "--threads", description = "Also new threads and thread exits, not only processes.")
    boolean threads;

    @Option(names = "--force", description = "Register even pid 1, or a process that neither handles, blocks nor "
            + "ignores the signal (its default action would end or stop it at the first event).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        RelayCommands.checkPid(spec, "--pid", pid);
        RelayCommands.checkPid(spec, "--tree", tree);
        RelayFilter filter;
        try {
            filter = new RelayFilter(EventTypes.parse(events, spec.commandLine()), threads,
                    tree != null ? tree : RelayFilter.ANYWHERE);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        int target = pid != null ? pid : RelayCommands.caller();
        return RelayCommands.print(spec, () -> {
            try {
                return RelayClient.at(socket.socket).register(target, signal, filter, force);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        });
    }
}
