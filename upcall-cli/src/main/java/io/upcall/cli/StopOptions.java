package io.upcall.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --count} and {@code --duration}: when a stream or a recording ends, for every command that has one. */
final class StopOptions {
    @Option(names = "--count", paramLabel = "N", converter = Converters.CountConverter.class, description = "Stop after N events.")
    Long count;

    @Option(names = "--duration", paramLabel = "D", converter = Converters.DurationConverter.class,
            description = "Stop after D: seconds (15) or with a unit (500ms, 15s, 2m, 1h).")
    Duration duration;
}
