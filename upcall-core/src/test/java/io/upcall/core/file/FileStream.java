package io.upcall.core.file;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.Upcall;
import io.upcall.core.channel.Availability;
import io.upcall.core.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A live file stream for kernel tests: the events it delivered, and a bounded wait for the one a test needs. */
final class FileStream implements AutoCloseable {
    private final List<Event> events = new ArrayList<>();
    private final Upcall upcall;

    private FileStream(FileOptions options) throws Exception {
        upcall = Upcall.builder().source(options).subscribe((e, end) -> {
            synchronized (events) {
                events.add(e);
                events.notifyAll();
            }
        }).start();
    }

    static void assumeFanotify() {
        assumeTrue("Linux".equals(System.getProperty("os.name")), "needs Linux");
        Availability a = FileChannel.INSTANCE.probe();
        assumeTrue(a.available(), "fanotify unavailable: " + a.detail());
    }

    static FileStream open(FileOptions options) throws Exception {
        assumeFanotify();
        return new FileStream(options);
    }

    /** Runs {@code script} with sh in a child process (the test's own process is left out of the stream). */
    static Process sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).inheritIO().start();
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sh -c " + script + " did not end in 20 s");
        }
        return p;
    }

    /** The first event that matches, waiting at most 15 s; null when none came. */
    Event await(Predicate<Event> which) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        synchronized (events) {
            for (int seen = 0; ; ) {
                for (; seen < events.size(); seen++) {
                    if (which.test(events.get(seen))) {
                        return events.get(seen);
                    }
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return null;
                }
                events.wait(left);
            }
        }
    }

    List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    static Predicate<Event> file(String type, String path) {
        return e -> e instanceof FileEvent f && f.type().equals(type) && path.equals(f.path());
    }

    @Override
    public void close() throws Exception {
        upcall.close();
    }
}
