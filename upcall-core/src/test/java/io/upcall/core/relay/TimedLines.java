package io.upcall.core.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child's output a line at a time, each line waited for at most 30 seconds. {@code BufferedReader.readLine()} on
 * a pipe blocks until the child writes or ends, and the test timeout cannot interrupt it: a child that hangs hung
 * the build. Here a daemon thread reads and the test waits on a queue, with a limit.
 */
final class TimedLines {
    private static final long WAIT_SECONDS = 30;

    private final LinkedBlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();

    TimedLines(InputStream in) {
        Thread.ofPlatform().daemon().name("test-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                r.lines().forEach(line -> lines.add(Optional.of(line)));
            } catch (IOException | java.io.UncheckedIOException e) {
                // the child was ended: its output ends here
            } finally {
                lines.add(Optional.empty());
            }
        });
    }

    /** The next line; null at the end of the output, or when none came within 30 seconds. */
    String readLine() throws InterruptedException {
        Optional<String> line = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (line == null || line.isEmpty()) {
            lines.add(Optional.empty()); // stays at the end for the next call
            return null;
        }
        return line.get();
    }
}
