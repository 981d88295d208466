package io.upcall.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.event.Event;
import io.upcall.core.event.EventSink;
import io.upcall.linux.LinuxException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A started guard whose events the test reads, and child processes to be guarded (the guard's own are let through). */
final class GuardTesting implements AutoCloseable {
    final Guard guard;
    final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

    private GuardTesting(Guard guard) {
        this.guard = guard;
    }

    /** Starts {@code guard}; skips when this process may not (not root, or no permission events in this kernel). */
    static GuardTesting start(Guard guard) {
        GuardTesting t = new GuardTesting(guard);
        EventSink sink = new EventSink() {
            @Override
            public void publish(Event[] batch, int count) {
                for (int i = 0; i < count; i++) {
                    t.events.add(batch[i]);
                }
            }

            @Override
            public void flush() {}
        };
        try {
            guard.start(() -> sink);
        } catch (LinuxException e) {
            assumeTrue(!e.isPermissionDenied() && e.errno() != io.upcall.linux.Errno.EINVAL,
                    "fanotify permission events unavailable: " + e.getMessage() + " (run as root)");
            throw new AssertionError(e);
        }
        return t;
    }

    /** The first access event matching {@code which}, waiting up to 10 s. */
    AccessEvent await(Predicate<AccessEvent> which) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            for (Event e : events) {
                if (e instanceof AccessEvent a && which.test(a)) {
                    return a;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no such access event within 10 s; saw " + events);
    }

    List<AccessEvent> accesses() {
        List<AccessEvent> all = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof AccessEvent a) {
                all.add(a);
            }
        }
        return all;
    }

    /** What a child process made of running {@code command}: its exit status and standard error. */
    record Run(long pid, int status, String err, long millis) {}

    static Run run(String... command) throws Exception {
        File err = Files.createTempFile("guard-test", ".err").toFile();
        try {
            long start = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err).start();
            boolean ended = p.waitFor(20, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            assertThat(ended).as("%s ended within 20 s", List.of(command)).isTrue();
            return new Run(p.pid(), p.exitValue(), Files.readString(err.toPath()), (System.nanoTime() - start) / 1_000_000);
        } finally {
            Files.deleteIfExists(err.toPath());
        }
    }

    /** A copy of /bin/true under {@code name}, executable. */
    static Path copyOfTrue(Path dir, String name) throws Exception {
        Path copy = Files.copy(Path.of("/bin/true"), dir.resolve(name));
        copy.toFile().setExecutable(true, false);
        return copy;
    }

    @Override
    public void close() throws InterruptedException {
        guard.close();
    }
}
