package io.upcall.core.hotplug;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cgroup (v2) of its own for each hotplug program, below Upcall's own cgroup, so that whatever the program starts is
 * found and ended with it. A double-forked child (a daemon) leaves the process tree: its parent exits and it is
 * reparented to init, where {@link ProcessHandle#descendants()} no longer sees it; but it stays in its cgroup, and
 * {@code cgroup.kill} (Linux 5.14+) ends everything in one at once, with no pid that could have been reused.
 *
 * <p>Needs write access to Upcall's own cgroup: root, or a delegated subtree (systemd's {@code Delegate=yes}).
 * {@link #probe} says whether this process has it, and if not, why.
 */
final class ProgramCgroups {
    /** After {@code cgroup.kill}, how long to wait for the cgroup to empty before giving up on removing it. */
    private static final long EMPTY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Without {@code cgroup.kill} (before 5.14): rounds of SIGKILL to everything listed, for children forked meanwhile. */
    private static final int KILL_ROUNDS = 100;

    /** Per JVM, not per instance: every Upcall in this process names its cgroups after the same pid. */
    private static final AtomicLong NEXT = new AtomicLong();

    private final Path parent;
    private final String prefix;

    private ProgramCgroups(Path parent, String prefix) {
        this.parent = parent;
        this.prefix = prefix;
    }

    /** Where program cgroups go, or why there is no such place. */
    record Probe(ProgramCgroups cgroups, String unavailable) {}

    /** Finds this process's cgroup v2 directory from {@code /proc/self/mountinfo} and {@code /proc/self/cgroup}. */
    static Probe probe() {
        return probe(Path.of("/proc/self/mountinfo"), Path.of("/proc/self/cgroup"),
                "upcall-hotplug-" + ProcessHandle.current().pid() + "-");
    }

    static Probe probe(Path mountinfo, Path selfCgroup, String prefix) {
        Path own;
        try {
            own = ownCgroup(Files.readAllLines(mountinfo, StandardCharsets.UTF_8),
                    Files.readAllLines(selfCgroup, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Probe(null, "cannot read " + e.getMessage());
        }
        if (own == null) {
            return new Probe(null, "no cgroup v2 hierarchy is mounted here");
        }
        Path probe = own.resolve(prefix + "probe");
        try {
            Files.createDirectory(probe);
            Files.delete(probe);
        } catch (IOException e) {
            return new Probe(null, "cannot create a cgroup in " + own + " (" + reason(e) + "): needs root or a delegated cgroup");
        }
        removeStale(own);
        return new Probe(new ProgramCgroups(own, prefix), null);
    }

    /** The directory of this process's cgroup in the v2 hierarchy, or null when none is mounted. */
    static Path ownCgroup(List<String> mountinfo, List<String> selfCgroup) {
        String path = null;
        for (String line : selfCgroup) {
            if (line.startsWith("0::")) {
                path = line.substring(3);
            }
        }
        if (path == null) {
            return null;
        }
        for (String line : mountinfo) {
            // id parent major:minor root mount-point options [optional fields] - fstype source super-options
            int dash = line.indexOf(" - ");
            String[] before = line.substring(0, Math.max(0, dash)).split(" ");
            if (dash < 0 || before.length < 5 || !line.substring(dash + 3).startsWith("cgroup2 ")) {
                continue;
            }
            String root = unescape(before[3]);
            if (path.equals(root) || path.startsWith(root.endsWith("/") ? root : root + "/")) {
                String below = path.substring(root.length());
                return Path.of(unescape(before[4]), below.startsWith("/") ? below.substring(1) : below);
            }
        }
        return null;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes ({@code \040}). */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            boolean octal = c == '\\' && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7');
            if (octal) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException n -> "no such directory";
            case AccessDeniedException d -> "permission denied";
            case FileSystemException f when f.getReason() != null -> f.getReason();
            default -> e.toString();
        };
    }

    /** A new, empty cgroup for one program. */
    Group create() throws IOException {
        Path dir = parent.resolve(prefix + NEXT.incrementAndGet());
        Files.createDirectory(dir);
        return new Group(dir);
    }

    /**
     * Removes the empty cgroups that an Upcall which died without cleaning up left in {@code parent}: those named
     * {@code upcall-hotplug-PID-N} whose PID is gone. One with a process still in it stays (rmdir refuses).
     */
    private static void removeStale(Path parent) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, "upcall-hotplug-*-*")) {
            for (Path dir : dirs) {
                String[] parts = dir.getFileName().toString().split("-");
                long pid = parts.length == 4 && parts[2].chars().allMatch(Character::isDigit) ? Long.parseLong(parts[2]) : -1;
                if (pid > 0 && ProcessHandle.of(pid).isEmpty()) {
                    Files.deleteIfExists(dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a stale cgroup costs a directory, and is not ours to fight over.
        }
    }

    /**
     * cgroupfs reads and writes never block, but NIO gives up on them (ClosedByInterruptException) when the thread is
     * interrupted, as a worker is while Upcall closes: the interrupt waits until they are done.
     */
    private static String read(Path file) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return Files.readString(file);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void write(Path file, String text) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            Files.writeString(file, text);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One program's cgroup. */
    static final class Group {
        private final Path dir;

        Group(Path dir) {
            this.dir = dir;
        }

        Path dir() {
            return dir;
        }

        /** Moves process {@code pid} (all its threads) into this cgroup; its children from then on are born here. */
        void add(long pid) throws IOException {
            write(dir.resolve("cgroup.procs"), Long.toString(pid));
        }

        /** The processes in it now. */
        List<Long> pids() {
            List<Long> pids = new ArrayList<>();
            try {
                for (String line : read(dir.resolve("cgroup.procs")).split("\n")) {
                    if (!line.isBlank()) {
                        pids.add(Long.parseLong(line.strip()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return pids; // removed already, or unreadable: nothing to signal
            }
            return pids;
        }

        /** SIGTERM to every process in it (each checked by its start time, so a reused pid is not hit). */
        void terminate() {
            for (long pid : pids()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            }
        }

        /** SIGKILL to every process in it: at once through {@code cgroup.kill}, else process by process until none is left. */
        void kill() {
            try {
                write(dir.resolve("cgroup.kill"), "1");
                return;
            } catch (IOException e) {
                // No cgroup.kill before Linux 5.14: one by one below, which also says what is left.
            }
            for (int round = 0; round < KILL_ROUNDS; round++) {
                List<Long> left = pids();
                if (left.isEmpty()) {
                    return;
                }
                left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            }
        }

        /** True while a live process is in it ({@code cgroup.events}: {@code populated 1}). */
        boolean populated() {
            try {
                return read(dir.resolve("cgroup.events")).lines().anyMatch("populated 1"::equals);
            } catch (IOException e) {
                return false;
            }
        }

        /**
         * Kills what is left, waits (bounded) until it is gone, and removes the cgroup.
         * @return how many processes were still in it, or -1 when it could not be removed (a process stuck in the kernel)
         */
        int close() {
            int left = pids().size();
            if (left > 0) {
                kill();
            }
            long deadline = System.nanoTime() + EMPTY_WAIT_NANOS;
            boolean interrupted = false;
            while (populated() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    interrupted = true; // Upcall is closing: still remove the cgroup, bounded by the deadline
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            try {
                Files.deleteIfExists(dir);
                return left;
            } catch (IOException e) {
                return -1;
            }
        }
    }
}
