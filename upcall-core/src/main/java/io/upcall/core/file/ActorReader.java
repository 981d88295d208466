package io.upcall.core.file;

import io.upcall.linux.Pidfd;
import io.upcall.protocol.fanotify.Fanotify;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The acting process of an event, from the pidfd the kernel put in it ({@code FAN_REPORT_PIDFD}) and {@code /proc}.
 * The pidfd names exactly that process: {@code /proc/PID} is read only while {@code PIDFD_GET_INFO} says it has not
 * been reaped, and asked again after, so a pid reused meanwhile is never described. Once reaped, the pidfd still
 * gives its exit status (Linux 6.15+). One read a process per batch of events: the batch was queued before it was
 * read, so reading {@code /proc} once for all its events is no later than reading it for each. Every pidfd is
 * closed here. Owned by the reading thread.
 */
final class ActorReader {
    private final boolean procContext;
    private final Map<Integer, FileEvent.Actor> batch = new HashMap<>();

    ActorReader(boolean procContext) {
        this.procContext = procContext;
    }

    /** A new batch of events: what was read of processes before is forgotten. */
    void newBatch() {
        batch.clear();
    }

    /** Closes the pidfd of an event left out. */
    void discard(int pidfd) {
        Pidfd.closeRaw(pidfd);
    }

    /** The actor of an event with {@code pid} ({@code metadata.pid}) and {@code pidfd} (or FAN_NOPIDFD/FAN_EPIDFD). */
    FileEvent.Actor read(int pid, int pidfd) {
        try {
            FileEvent.Actor known = batch.get(pid);
            if (known != null) {
                return known;
            }
            FileEvent.Actor actor = describe(pid, pidfd);
            if (actor != null) {
                batch.put(pid, actor);
            }
            return actor;
        } finally {
            Pidfd.closeRaw(pidfd);
        }
    }

    private FileEvent.Actor describe(int pid, int pidfd) {
        if (pid <= 0) {
            return null;
        }
        if (pidfd < 0) {
            // FAN_NOPIDFD: the kernel found the process gone when it was read; FAN_EPIDFD: it could not make one.
            return new FileEvent.Actor(pid, -1, -1, -1, null, null, pidfd == Fanotify.FAN_NOPIDFD, -1);
        }
        Optional<Pidfd.Info> before = Pidfd.infoOf(pidfd);
        if (before.isEmpty()) { // a kernel without PIDFD_GET_INFO (before 6.13): /proc alone, as fatrace does
            return fromProc(pid, -1, -1, -1, false);
        }
        Pidfd.Info info = before.get();
        if (info.pid() < 0) { // reaped: what the pidfd kept
            return new FileEvent.Actor(pid, -1, -1, -1, null, null, true, info.exitCode());
        }
        FileEvent.Actor a = fromProc(pid, info.ppid(), info.ruid(), info.euid(), info.exited());
        Optional<Pidfd.Info> after = Pidfd.infoOf(pidfd);
        if (after.isEmpty() || after.get().pid() < 0) { // reaped while /proc was read: what was read may be another's
            return new FileEvent.Actor(pid, info.ppid(), info.ruid(), info.euid(), null, null, true,
                    after.map(Pidfd.Info::exitCode).orElse(-1));
        }
        return a;
    }

    private FileEvent.Actor fromProc(int pid, int ppid, int ruid, int euid, boolean exited) {
        String comm = null;
        String exe = null;
        if (procContext) {
            Path dir = Path.of("/proc", Integer.toString(pid));
            try {
                String c = new String(Files.readAllBytes(dir.resolve("comm")), StandardCharsets.UTF_8);
                comm = c.endsWith("\n") ? c.substring(0, c.length() - 1) : c;
            } catch (IOException e) {
                // gone
            }
            try {
                exe = Files.readSymbolicLink(dir.resolve("exe")).toString();
            } catch (IOException | UnsupportedOperationException e) {
                // a zombie or a kernel thread has none
            }
        }
        return new FileEvent.Actor(pid, ppid, ruid, euid, comm, exe, exited, -1);
    }
}
