package io.upcall.core.acct;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A job that is a cgroup v2 directory: its processes are the cgroup's (and its child cgroups'), and the cgroup's own
 * {@code cpu.stat} and {@code io.stat} cross-check the sum of their exit records. {@link #create} makes a new one for
 * {@code upcall jobs run --cgroup} and {@link #close()} removes it again; {@link #existing} takes one over for
 * {@code upcall jobs add --cgroup} and leaves it.
 *
 * <p>Only a directory on a {@code cgroup2} mount is accepted (found in {@code /proc/self/mountinfo}), so Upcall, which
 * runs as root here, makes or removes no directory elsewhere.
 */
public final class JobCgroup implements AutoCloseable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    /** {@code rmdir} of a cgroup whose last task was just reaped may answer EBUSY for a moment. */
    private static final int REMOVE_TRIES = 40;

    private final Path path;
    /** What Upcall made, deepest first: the job's cgroup and any parent that was missing. */
    private final List<Path> made;
    private final CgroupUsage start;
    private boolean closed;

    private JobCgroup(Path path, List<Path> made) {
        this.path = path;
        this.made = List.copyOf(made);
        this.start = made.isEmpty() ? usage(path) : new CgroupUsage(path.toString(), 0, 0, 0, 0, 0);
    }

    /**
     * The cgroup directory {@code given} names: an absolute path on a {@code cgroup2} mount, or a path relative to the
     * first {@code cgroup2} mount ({@code upcall.slice/build}).
     */
    public static Path resolve(String given) throws IOException {
        List<Path> mounts = cgroup2Mounts(MOUNTINFO);
        if (mounts.isEmpty()) {
            throw new IOException("no cgroup2 file system is mounted here (/proc/self/mountinfo)");
        }
        Path p = Path.of(given);
        if (given.isEmpty() || p.normalize().toString().contains("..")) {
            throw new IOException("cgroup " + given + ": give a path without '..'");
        }
        Path resolved = p.isAbsolute() ? p.normalize() : mounts.getFirst().resolve(p).normalize();
        for (Path m : mounts) {
            if (resolved.startsWith(m) && !resolved.equals(m)) {
                return resolved;
            }
        }
        throw new IOException("cgroup " + given + " is not below a cgroup2 mount (" + mounts.getFirst() + ")");
    }

    /** The mount points of every {@code cgroup2} file system in {@code mountinfo}. */
    static List<Path> cgroup2Mounts(Path mountinfo) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String line : Files.readAllLines(mountinfo, StandardCharsets.UTF_8)) {
            int dash = line.indexOf(" - ");
            String[] f = line.split(" ");
            if (dash > 0 && f.length > 4 && line.substring(dash + 3).startsWith("cgroup2 ")) {
                out.add(Path.of(f[4].replace("\\040", " ")));
            }
        }
        return out;
    }

    /**
     * A new cgroup at {@code path} (its parent must exist), removed by {@link #close()}. An existing one is taken
     * when it holds no process (and then left in place).
     */
    public static JobCgroup create(Path path) throws IOException {
        List<Path> made = new ArrayList<>();
        try {
            for (Path p = path.getParent(); p != null && !Files.isDirectory(p); p = p.getParent()) {
                made.addFirst(p); // a parent such as upcall.slice: made too, and removed if empty at the end
            }
            for (Path p : made) {
                Files.createDirectory(p);
            }
            Files.createDirectory(path);
            made.add(path);
            return new JobCgroup(path, made.reversed());
        } catch (FileAlreadyExistsException e) {
            JobCgroup found = existing(path);
            if (found.populated()) {
                throw new IOException("cgroup " + path + " already holds processes: its cpu.stat would not be the job's "
                        + "alone; give a new path");
            }
            return found;
        } catch (IOException e) {
            for (Path p : made.reversed()) {
                Files.deleteIfExists(p);
            }
            throw new IOException("cannot create cgroup " + path + ": " + e.getMessage(), e);
        }
    }

    /** The cgroup at {@code path}, as it is. */
    public static JobCgroup existing(Path path) throws IOException {
        if (!Files.isRegularFile(path.resolve("cgroup.procs")) || !Files.isRegularFile(path.resolve("cgroup.events"))) {
            throw new IOException(path + " is not a cgroup v2 directory (no cgroup.procs and cgroup.events)");
        }
        return new JobCgroup(path, List.of());
    }

    public Path path() {
        return path;
    }

    /** Whether Upcall made it (and removes it on {@link #close()}). */
    public boolean created() {
        return !made.isEmpty();
    }

    /**
     * {@code command} started so that it enters this cgroup before it runs: a shell writes its own pid (0: the writer)
     * into {@code cgroup.procs}, then becomes the command, so everything the command forks is born inside.
     */
    public List<String> wrap(List<String> command) {
        List<String> out = new ArrayList<>(List.of("/bin/sh", "-c", "echo 0 > \"$0/cgroup.procs\" && exec \"$@\"",
                path.toString()));
        out.addAll(command);
        return out;
    }

    /** Whether any process is in it or in a child cgroup ({@code cgroup.events}: {@code populated 1}). */
    public boolean populated() {
        try {
            return Files.readAllLines(path.resolve("cgroup.events")).contains("populated 1");
        } catch (IOException e) {
            return false; // removed meanwhile: nothing in it
        }
    }

    /** The processes in it and in its child cgroups now. */
    Set<Integer> processes() {
        Set<Integer> out = new HashSet<>();
        try (Stream<Path> dirs = Files.walk(path, 32)) {
            for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                    if (line.matches("[0-9]{1,10}")) {
                        out.add(Integer.parseInt(line));
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // a child cgroup removed while walking: the next poll sees the rest
        }
        return out;
    }

    /** What it counted since the job began. */
    public CgroupUsage usage() {
        return usage(path).since(start);
    }

    static CgroupUsage usage(Path path) {
        long usage = CgroupUsage.UNKNOWN;
        long user = CgroupUsage.UNKNOWN;
        long system = CgroupUsage.UNKNOWN;
        try {
            for (String line : Files.readAllLines(path.resolve("cpu.stat"))) {
                String[] kv = line.split(" ");
                if (kv.length == 2) {
                    switch (kv[0]) {
                        case "usage_usec" -> usage = Long.parseLong(kv[1]);
                        case "user_usec" -> user = Long.parseLong(kv[1]);
                        case "system_usec" -> system = Long.parseLong(kv[1]);
                        default -> { }
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no cpu.stat: figures unknown
        }
        long[] io = io(path.resolve("io.stat"));
        return new CgroupUsage(path.toString(), usage, user, system, io[0], io[1]);
    }

    /** {@code rbytes} and {@code wbytes} of {@code io.stat}, summed over its devices; unknown without the file. */
    static long[] io(Path ioStat) {
        if (!Files.isRegularFile(ioStat)) {
            return new long[] {CgroupUsage.UNKNOWN, CgroupUsage.UNKNOWN};
        }
        long[] sums = new long[2];
        try {
            for (String line : Files.readAllLines(ioStat)) {
                for (String kv : line.split(" ")) {
                    if (kv.startsWith("rbytes=")) {
                        sums[0] += Long.parseLong(kv.substring(7));
                    } else if (kv.startsWith("wbytes=")) {
                        sums[1] += Long.parseLong(kv.substring(7));
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            return new long[] {CgroupUsage.UNKNOWN, CgroupUsage.UNKNOWN};
        }
        return sums;
    }

    /** Removes the cgroup if Upcall made it (once it is empty), and the parents it made if no other job uses them. */
    @Override
    public synchronized void close() throws IOException {
        if (closed || made.isEmpty()) {
            return;
        }
        closed = true;
        for (int i = 0; ; i++) {
            try {
                Files.deleteIfExists(path);
                break;
            } catch (java.nio.file.FileSystemException e) { // EBUSY for a moment after the last task was reaped
                if (i >= REMOVE_TRIES) {
                    throw new IOException("cannot remove cgroup " + path + " (" + e.getMessage() + "): remove it with rmdir "
                            + "once its processes ended", e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while removing cgroup " + path, x);
                }
            }
        }
        for (Path parent : made.subList(1, made.size())) {
            try {
                Files.deleteIfExists(parent);
            } catch (java.nio.file.FileSystemException e) {
                return; // another job's cgroup is in it now: it stays
            }
        }
    }
}
