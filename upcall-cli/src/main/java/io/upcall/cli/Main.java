package io.upcall.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code upcall} command. */
@Command(name = "upcall",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"Linux kernel notifications as one typed event stream.", ""},
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

    /**
     * The subcommands, in the order help lists them. Not in the {@code @Command} annotation: picocli builds the model of
     * every command it is given from their annotations, by reflection, which took a third of the start-up
     * (BENCHMARKS.md, start-up); a run that names its command gets only that one.
     */
    private static final List<Class<?>> COMMANDS = List.of(MonitorCommand.class, ProcsCommand.class,
            DevicesCommand.class, AuditCommand.class, AcctCommand.class, FilesCommand.class, GuardCommand.class, JobsCommand.class, RecordCommand.class,
            ReplayCommand.class, RelayCommand.class, DoctorCommand.class, CommandLine.HelpCommand.class);

    public static void main(String[] args) {
        System.exit(commandLine(new FileOutputStream(FileDescriptor.out), args).execute(args));
    }

    /** Where event streams go: standard output, unbuffered (the stream buffers and flushes per batch). */
    OutputStream out() {
        return out;
    }

    /** The configured command line with every subcommand: for the tests. */
    static CommandLine commandLine(OutputStream out) {
        return commandLine(out, new String[0]);
    }

    /**
     * The configured command line for {@code args}: when they name a subcommand (their first word that is not an
     * option; {@code upcall} itself has only {@code -h} and {@code -V}), with that subcommand only, else (help, a
     * version, a mistyped command that needs suggestions) with every one.
     */
    static CommandLine commandLine(OutputStream out, String[] args) {
        CommandLine cl = new CommandLine(new Main(out));
        String named = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
        boolean known = COMMANDS.stream().anyMatch(c -> !c.equals(CommandLine.HelpCommand.class)
                && c.getAnnotation(Command.class).name().equals(named));
        for (Class<?> command : COMMANDS) {
            if (!known || command.getAnnotation(Command.class).name().equals(named)) {
                cl.addSubcommand(command);
            }
        }
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
