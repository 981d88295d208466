package io.upcall.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every streaming command takes. */
final class StreamOptions {
    @Option(names = "--json", description = "JSON Lines, one event per line (docs/events.md), instead of the table.")
    boolean json;

    @Mixin
    StopOptions stop = new StopOptions();

    @Mixin
    BufferOption buffer = new BufferOption();

    @Option(names = "--pid", paramLabel = "P", converter = Converters.LivePidConverter.class,
            description = "Only events about process P (running now).")
    Integer pid;

    @Option(names = "--tree", paramLabel = "P", converter = Converters.LivePidConverter.class,
            description = "Only events of process P (running now) and its descendants.")
    Integer tree;

    @Option(names = "--ancestors", description = "Add each process's ancestors (pid, comm) to its context.")
    boolean ancestors;

    @Option(names = "--no-process", negatable = false,
            description = "Leave out the process context (comm, exe, cmdline, user) that Upcall reads from /proc.")
    boolean noProcess;

    @Mixin
    ColorOption color = new ColorOption();


    /** How the stream is printed and when it ends. */
    StreamRunner.Output output() {
        return new StreamRunner.Output(json, stop.count, stop.duration,
                json ? null : new TableFormatter(color.useColor(), Terminals.columns()));
    }
}
