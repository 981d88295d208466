package io.upcall.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child process's output, line by line, with a deadline: a blocked {@code readLine()} on a pipe cannot be
 * interrupted, so a test waiting for a line that never comes would hang past its timeout. A daemon thread reads;
 * the test waits on a queue, which it can stop waiting on.
 */
final class Lines {
    private static final String END = new String("end of output");

    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private boolean ended;

    Lines(InputStream in) {
        Thread.ofPlatform().daemon().name("test-lines").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    queue.add(line);
                }
            } catch (IOException e) {
                // the process was destroyed: the output ends here
            } finally {
                queue.add(END);
            }
        });
    }

    /** The next line, or null at the end of the output or when {@code deadlineNanos} ({@link System#nanoTime()}) passes. */
    String next(long deadlineNanos) throws InterruptedException {
        if (ended) {
            return null;
        }
        String line = queue.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == END) {
            ended = true;
            return null;
        }
        return line;
    }

    /** Every line that came so far (at most {@code max}), without waiting. */
    java.util.List<String> drained(int max) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (String line = queue.poll(); line != null && line != END && lines.size() < max; line = queue.poll()) {
            lines.add(line);
        }
        return lines;
    }

    /** {@link System#nanoTime()} {@code seconds} from now. */
    static long in(int seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }
}
