package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.proc.ProcEventType;
import io.upcall.core.proc.ProcOptions;
import java.io.PrintWriter;
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
                "  upcall procs --tree $$$$ --ancestors    this shell and what it starts",
                "  sudo upcall procs --audit-context --events exec   short-lived too"})
final class ProcsCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    Main parent;

    @Mixin
    StreamOptions stream;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--events", paramLabel = "TYPE[,TYPE...]",
            description = "Event types to show (default: all): fork, exec, exit, uid, gid, sid, comm, ptrace, coredump. "
                    + "On Linux 6.6+ the kernel filters them.")
    List<String> events;

    @Mixin
    AuditContextOption auditContext = new AuditContextOption();

    @Override
    public Integer call() throws Exception {
        Set<ProcEventType> wanted = EventTypes.parse(events, spec.commandLine());
        Upcall.Builder builder = Upcall.builder().source(StreamRunner.procOptions(stream,
                auditContext.proc(ProcOptions.defaults().withEvents(wanted))));
        builder = auditContext.source(builder, stream.buffer.receiveBuffer);
        PrintWriter err = parent.spec.commandLine().getErr();
        return new StreamRunner(err).print(builder, parent.out(), stream.output(), "procs",
                AuditContextOption::procsShows, auditContext.session(err, "procs"));
    }
}
