package io.upcall.cli;

import io.upcall.core.file.FileOptions;
import io.upcall.core.file.FileScope;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --files PATH}: the file channel in a stream that opens channels with their defaults ({@code monitor},
 * {@code record}). fanotify reports nothing without marks, so it joins only when given paths.
 */
final class FilesOption {
    @Option(names = "--files", paramLabel = "PATH", description = "Also file events (as upcall files) under PATH "
            + "(repeatable): the directory and its entries, or the file.")
    List<String> files;

    /** The file channel's options, or null when no path was given. */
    FileOptions options(CommandLine line) {
        return files == null || files.isEmpty() ? null : FilesCommand.options(files, FileScope.PATH, null, line);
    }
}
