package io.upcall.cli;

import io.upcall.core.relay.RelayClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine;

/** What the relay's client commands share: who "me" is, and how a reply or a refusal is shown. */
final class RelayCommands {
    private RelayCommands() {}

    interface Call {
        String run() throws IOException;
    }

    /**
     * The process that ran {@code upcall}: its parent, since {@code bin/upcall} execs the JVM (the shell, a
     * script). Registering the JVM itself would be useless: it exits as soon as the command is done.
     */
    static int caller() {
        return ProcessHandle.current().parent().map(p -> (int) p.pid()).orElseThrow(
                () -> new IllegalStateException("cannot tell which process ran upcall; give --pid"));
    }

    /**
     * Refuses, as a usage error, a {@code --pid} or {@code --tree} that names no running process: 0 would mean
     * the short-lived {@code upcall} itself to the relay, and a tree of no process would never match.
     */
    static void checkPid(CommandLine.Model.CommandSpec spec, String option, Integer pid) {
        if (pid == null) {
            return;
        }
        if (pid <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + pid + " is not a process: give "
                    + "the pid of a running process" + (option.equals("--pid")
                    ? " (without --pid: the process that runs upcall, e.g. your shell)" : ""));
        }
        if (!Files.isDirectory(Path.of("/proc", Integer.toString(pid)))) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + pid + ": no such process");
        }
    }

    /**
     * Where a relay service logs (registrations, refusals, loss): standard error, a line at a time and flushed,
     * from whichever thread speaks. A line names processes by their {@code comm}, which they choose: escaped.
     */
    static Consumer<String> log(PrintWriter err) {
        return line -> {
            synchronized (err) {
                err.println(Printable.escape(line));
                err.flush();
            }
        };
    }

    /** Prints the relay's answer; a refusal or an unreachable relay goes to stderr with exit status 1. */
    static int print(CommandLine.Model.CommandSpec spec, Call call) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            String reply = call.run();
            if (!reply.isEmpty()) {
                // Line by line: the reply's lines are its own, what a registered process named itself is escaped.
                reply.lines().forEach(line -> out.println(Printable.escape(line)));
                out.flush();
            }
            return 0;
        } catch (RelayClient.RefusedException e) {
            err.println("upcall: the relay refused: " + Printable.escape(e.getMessage()));
        } catch (IOException e) {
            err.println("upcall: " + Printable.escape(e.getMessage()));
        }
        err.flush();
        return 1;
    }
}
