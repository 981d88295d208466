package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.proc.ProcEventType;
import io.upcall.core.proc.ProcOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code upcall procs}: process events from the proc connector, like forkstat. */
@Command(name = "procs", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Process events from the kernel's proc connector: fork, exec, exit, uid, gid, sid, comm, ptrace, "
                + "coredump. Before Linux 6.6 this needs root (CAP_NET_ADMIN).", ""},
        footer = {"", "Examples:",
                "  upcall procs                          a table, like forkstat",
                "  upcall procs --json --events exec,exit",
                "  upcall procs --tree $$$$ --ancestors    this shell and what it starts"})
final class ProcsCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    Main parent;

    @Mixin
    StreamOptions stream;

    @Option(names = "--events", split = ",", paramLabel = "TYPE",
            description = "Event types to show (default: all): fork, exec, exit, uid, gid, sid, comm, ptrace, coredump. "
                    + "On Linux 6.6+ the kernel filters them.")
    List<String> events;

    @Override
    public Integer call() throws Exception {
        Set<ProcEventType> wanted = EventTypes.parse(events, parent.spec.commandLine());
        Upcall.Builder builder = Upcall.builder().source(StreamRunner.procOptions(stream,
                ProcOptions.defaults().withEvents(wanted)));
        return new StreamRunner(parent.spec.commandLine().getErr()).print(builder, parent.out(), stream.output(), "procs");
    }
}
