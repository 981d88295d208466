package io.upcall.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A permission group against the running kernel, on a file in a temporary directory only: the open waits for the
 * answer this test writes, and a deny makes it fail with EPERM. Needs CAP_SYS_ADMIN; skips without it.
 */
@Timeout(30)
class FanotifyKernelIT {
    // <linux/fanotify.h>; upcall-linux does not depend on upcall-protocol, where the named constants live.
    private static final int FAN_CLOEXEC = 0x1;
    private static final int FAN_NONBLOCK = 0x2;
    private static final int FAN_CLASS_CONTENT = 0x4;
    private static final int FAN_MARK_ADD = 0x1;
    private static final long FAN_OPEN_PERM = 0x10000L;
    private static final int FAN_ALLOW = 0x1;
    private static final int FAN_DENY = 0x2;
    private static final int O_RDONLY_CLOEXEC_LARGEFILE = 0x80000 | 0x8000;

    private static Fanotify openOrSkip() {
        try {
            return Fanotify.init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY_CLOEXEC_LARGEFILE);
        } catch (LinuxException e) {
            assumeThat(false).as("fanotify permission events unavailable: " + e.getMessage() + " (run as root)").isTrue();
            throw new AssertionError(e);
        }
    }

    /** Reads one event (bounded by time), answers it with {@code response} and returns (mask, fd, pid, path). */
    private static Object[] answerOne(Fanotify group, int response) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4096, 8);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int n = 0;
            while (n == 0 && System.nanoTime() < deadline) {
                if (group.awaitReadable(200)) {
                    n = group.read(buf);
                }
            }
            assertThat(n).as("an event within 10 s").isGreaterThanOrEqualTo(24);
            assertThat(buf.get(ValueLayout.JAVA_INT, 0)).as("event_len").isGreaterThanOrEqualTo(24);
            assertThat(buf.get(ValueLayout.JAVA_BYTE, 4)).as("vers").isEqualTo((byte) 3);
            long mask = buf.get(ValueLayout.JAVA_LONG, 8);
            int fd = buf.get(ValueLayout.JAVA_INT, 16);
            int pid = buf.get(ValueLayout.JAVA_INT, 20);
            String path = Fanotify.eventPath(fd);
            Fanotify.Scratch scratch = new Fanotify.Scratch(arena);
            assertThat(Fanotify.eventPath(fd, scratch)).as("the reusable memory names it the same").isEqualTo(path);
            assertThat(Fanotify.eventPath(fd, scratch)).as("and again, reused").isEqualTo(path);
            assertThat(group.respond(fd, response)).isZero();
            assertThat(group.respond(fd, response)).as("a second answer finds no event").isEqualTo(Errno.ENOENT);
            Fanotify.closeEventFd(fd, scratch);
            return new Object[] {mask, fd, pid, path};
        }
    }

    @Test
    void anOpenWaitsForTheAnswerAndADenyFailsItWithEperm(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("guarded"), "x");
        try (Fanotify group = openOrSkip()) {
            group.mark(FAN_MARK_ADD, FAN_OPEN_PERM, file.toString());
            CompletableFuture<String> denied = CompletableFuture.supplyAsync(() -> tryOpen(file));
            Object[] event = answerOne(group, FAN_DENY);
            assertThat((long) event[0] & FAN_OPEN_PERM).isNotZero();
            assertThat((int) event[2]).isEqualTo(NetlinkSocket.getpid());
            assertThat((String) event[3]).isEqualTo(file.toRealPath().toString());
            assertThat(denied.get(10, TimeUnit.SECONDS)).contains("Operation not permitted");

            CompletableFuture<String> allowed = CompletableFuture.supplyAsync(() -> tryOpen(file));
            answerOne(group, FAN_ALLOW);
            assertThat(allowed.get(10, TimeUnit.SECONDS)).isEqualTo("x");
        }
    }

    @Test
    void closingTheGroupRemovesItsMarks(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("guarded"), "y");
        Fanotify group = openOrSkip();
        group.mark(FAN_MARK_ADD, FAN_OPEN_PERM, file.toString());
        Path fdinfo = Path.of("/proc/self/fdinfo/" + group.descriptor());
        assertThat(Files.readString(fdinfo)).contains("fanotify ino:");
        group.close();
        group.close();
        // With no group left, nothing waits: the open returns at once.
        assertThat(CompletableFuture.supplyAsync(() -> tryOpen(file)).get(5, TimeUnit.SECONDS)).isEqualTo("y");
        assertThat(group.respond(0, FAN_ALLOW)).isEqualTo(Errno.EBADF);
    }

    private static String tryOpen(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
