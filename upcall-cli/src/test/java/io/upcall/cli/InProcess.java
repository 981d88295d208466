package io.upcall.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code upcall} in this JVM, as {@link Main#main} would, keeping what it prints. */
final class InProcess {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    /** The exit status of {@code upcall args}. */
    int run(String... args) {
        CommandLine cl = Main.commandLine(new ByteArrayOutputStream());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** Forgets what was printed, for the next run. */
    void clear() {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
    }
}
