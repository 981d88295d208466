package io.upcall.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The training run behind {@code bin/upcall}'s ahead-of-time cache (JDK 25, {@code -XX:AOTCacheOutput}): runs the
 * start path of the common commands once, in one JVM, so that the classes they load and link (picocli's model of
 * every command, the FFM downcalls, the channels, the JSON and table writers) go into the cache. Not a command: its
 * output goes nowhere, and a command that cannot run here (no privileges, a channel missing) still trains its start.
 * The live streams last a fraction of a second each and only listen, as {@code monitor} does (the read-only audit
 * group, no rule): nothing on the machine changes. Run as
 * {@code java -XX:AOTCacheOutput=FILE -cp upcall.jar io.upcall.cli.AotTraining}.
 */
final class AotTraining {
    /** Each command line, in turn; the JVM writes the cache when the last has ended. */
    private static final String[][] RUNS = {
        {"--version"},
        {"--help"},
        {"procs", "--help"},
        {"doctor"},
        {"procs", "--json", "--count", "50", "--duration", "300ms"},
        {"monitor", "--count", "50", "--duration", "300ms"},
        {"devices", "--json", "--count", "5", "--duration", "200ms"},
        {"no-such-command"},
    };

    private AotTraining() {}

    public static void main(String[] args) {
        for (String[] run : RUNS) {
            CommandLine cl = Main.commandLine(OutputStream.nullOutputStream());
            cl.setOut(new PrintWriter(OutputStream.nullOutputStream()));
            cl.setErr(new PrintWriter(OutputStream.nullOutputStream()));
            try {
                cl.execute(run);
            } catch (RuntimeException e) {
                // A command that fails here still trained what ran before it failed.
            }
        }
    }
}
