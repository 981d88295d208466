package io.upcall.cli;

import picocli.CommandLine.Option;

/** {@code --color WHEN}: whether the human output is colored, for every command that prints it. */
final class ColorOption {
    /** When to color. */
    enum Mode { auto, always, never }

    @Option(names = "--color", paramLabel = "WHEN", description = "Color the table: auto (on a terminal, unless NO_COLOR "
            + "is set), always, never. Default: ${DEFAULT-VALUE}.")
    Mode mode = Mode.auto;

    /** What {@link #mode} means here: see {@link Terminals#useColor}. */
    boolean useColor() {
        return Terminals.useColor(mode);
    }
}
