package io.upcall.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code upcall} command. */
@Command(name = "upcall",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"Linux kernel notifications as one typed event stream.", ""},
        subcommands = {MonitorCommand.class, ProcsCommand.class, DevicesCommand.class, RecordCommand.class, ReplayCommand.class, RelayCommand.class,
                DoctorCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  upcall monitor                 every source, human output",
                "  upcall procs --json --count 5  five process events as JSON Lines",
                "  upcall relay serve             signal registered processes on every fork",
                "  upcall doctor                  which sources work here, and why not"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final OutputStream out;

    Main(OutputStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new FileOutputStream(FileDescriptor.out)).execute(args));
    }

    /** Where event streams go: standard output, unbuffered (the stream buffers and flushes per batch). */
    OutputStream out() {
        return out;
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    static CommandLine commandLine(OutputStream out) {
        CommandLine cl = new CommandLine(new Main(out));
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            line.getErr().println("upcall: " + Printable.escape(ex.getMessage()));
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/upcall-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"upcall " + p.getProperty("version", "unknown") + " (Java " + Runtime.version() + ", "
                    + System.getProperty("os.name") + " " + System.getProperty("os.version") + ")"};
        }
    }
}
