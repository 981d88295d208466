package io.upcall.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code upcall} command. */
@Command(name = "upcall",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"Linux kernel notifications as one typed event stream.", ""},
        subcommands = {MonitorCommand.class, ProcsCommand.class, DevicesCommand.class, AuditCommand.class, AcctCommand.class, FilesCommand.class, GuardCommand.class, JobsCommand.class, RecordCommand.class, ReplayCommand.class, RelayCommand.class,
                DoctorCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  upcall monitor                 every source, human output",
                "  upcall procs --json --count 5  five process events as JSON Lines",
                "  upcall relay serve             signal registered processes on every fork",
                "  upcall doctor                  which sources work here, and why not"})
public final class Main implements Runnable {
    /** The exit status of every usage error: a bad option or value, or a bad rules file. */
    static final int USAGE = 2;

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
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            line.getErr().println("upcall: " + Printable.escape(Errors.describe(ex)));
            line.getErr().flush();
            return 1;
        });
        // As wide as the terminal; 80 columns when there is none (a pipe, a file, the tests).
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    /**
     * A usage error (a bad option, a bad value, an unknown command): the message and where to read more, not the
     * whole usage, which buried the message under 20 to 30 lines. Exit status 2, for every usage error.
     */
    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine line = ex.getCommandLine();
        PrintWriter err = line.getErr();
        err.println("upcall: " + Errors.lowerFirst(ex.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + line.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return USAGE;
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
