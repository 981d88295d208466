package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.file.FileEventType;
import io.upcall.core.file.FileOptions;
import io.upcall.core.file.FileScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upcall files}: file events from fanotify, like fatrace, with full paths and the acting process. */
@Command(name = "files", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"File events from fanotify: files created, written, closed after writing, changed (chmod, chown, "
                + "utimes: attrib), renamed (old and new path in one event), deleted, and with --events also opened and "
                + "executed, under PATH, each with its full path and the acting process, like fatrace. Needs root "
                + "(CAP_SYS_ADMIN).",
                "A PATH that is a directory watches it and the entries directly in it; --mount or --filesystem watch "
                + "everything on PATH's mount or filesystem. Upcall's own file activity is left out; the marks go when "
                + "it ends.", ""},
        footer = {"", "Examples:",
                "  upcall files /etc",
                "  upcall files /srv --filesystem --events create,delete,rename --json",
                "  upcall files /usr/bin --mount --events open_exec"})
final class FilesCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    Main parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Files or directories to watch (default: the current "
            + "directory).")
    List<String> paths = new ArrayList<>();

    @CommandLine.ArgGroup(exclusive = true)
    Scope scope;

    static final class Scope {
        @Option(names = "--mount", description = "Watch the whole mount each PATH is on (no create, delete, rename, "
                + "attrib: the kernel does not report those on mounts).")
        boolean mount;

        @Option(names = "--filesystem", description = "Watch the whole filesystem each PATH is on, through any mount.")
        boolean filesystem;
    }

    @Option(names = "--events", paramLabel = "E[,E...]", description = "The kinds to report (repeatable): create, modify, "
            + "attrib, close_write, rename, delete, move_self, delete_self (the default), and open, open_exec, access, "
            + "close_nowrite, moved_from, moved_to.")
    List<String> events;

    @Option(names = "--json", description = "JSON Lines (docs/events.md) instead of the table.")
    boolean json;

    @Option(names = "--no-process", negatable = false, description = "Leave out the actor's comm and exe (read from /proc); "
            + "pid, parent and uids come from its pidfd anyway.")
    boolean noProcess;

    @CommandLine.Mixin
    StopOptions stop = new StopOptions();

    @CommandLine.Mixin
    ColorOption color = new ColorOption();

    @Override
    public Integer call() throws Exception {
        CommandLine line = spec.commandLine();
        FileOptions options = options(paths, scope == null ? FileScope.PATH
                : scope.mount ? FileScope.MOUNT : FileScope.FILESYSTEM, events, line).withProcessContext(!noProcess);
        return new StreamRunner(line.getErr()).print(Upcall.builder().source(options), parent.out(),
                new StreamRunner.Output(json, stop.count, stop.duration,
                        json ? null : new TableFormatter(color.useColor(), Terminals.columns())), "files");
    }

    /** The options for these arguments: every path must exist; the kinds are checked by name. */
    static FileOptions options(List<String> paths, FileScope scope, List<String> events, CommandLine line) {
        List<String> marked = new ArrayList<>();
        for (String p : paths.isEmpty() ? List.of(".") : paths) {
            Path path = Path.of(p);
            if (!Files.exists(path)) {
                throw new CommandLine.ParameterException(line, "no such file or directory: " + Printable.escape(p));
            }
            marked.add(path.toAbsolutePath().normalize().toString());
        }
        Set<FileEventType> kinds = FileEventType.CHANGES;
        if (events != null) {
            kinds = EnumSet.noneOf(FileEventType.class);
            List<String> names = Arrays.stream(FileEventType.values()).map(FileEventType::jsonName).toList();
            for (String e : CommaLists.split(events, "--events", names, line)) {
                kinds.add(FileEventType.named(e));
            }
        }
        return FileOptions.of(marked).withPaths(marked, scope).withEvents(kinds);
    }
}
