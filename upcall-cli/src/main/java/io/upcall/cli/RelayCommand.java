package io.upcall.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code upcall relay}: relay fork, signalling registered processes on every fork. */
@Command(name = "relay", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Relay fork: a service that queues a signal to each registered process on every fork (optionally "
                + "exec and exit), carrying the new process's pid as the signal's value (sival_int), as sigqueue(3) does. "
                + "Registered processes are signalled through pidfds, so a recycled pid is never signalled by mistake.",
                ""},
        subcommands = {RelayServeCommand.class, RelayRegisterCommand.class, RelayUnregisterCommand.class,
                RelayProcessesCommand.class, RelaySignalCommand.class},
        footer = {"", "Examples:",
                "  sudo upcall relay serve &                  start the service",
                "  trap 'echo born' RTMIN+2                   a shell traps the signal first:",
                "  upcall relay register --signal SIGRTMIN+2  its default action ends it",
                "  upcall relay register --pid 812 --tree 812 --events fork,exit",
                "  upcall relay processes                     who is registered; signals sent",
                "  upcall relay unregister"})
final class RelayCommand implements Runnable {
    @CommandLine.ParentCommand
    Main parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
