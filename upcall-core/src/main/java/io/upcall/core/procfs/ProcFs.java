package io.upcall.core.procfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the process table needs from {@code /proc/<pid>/}: {@code stat} (comm, ppid), {@code status}
 * (effective uid), {@code exe} and {@code cmdline}. The root is injectable so tests can use a fake tree.
 * A process that vanishes mid-read yields {@code null}, never an exception: that race is normal.
 */
public final class ProcFs {
    private final Path root;

    public ProcFs(Path root) {
        this.root = root;
    }

    public static ProcFs system() {
        return new ProcFs(Path.of("/proc"));
    }

    /** One process as {@code /proc} shows it now. */
    public record Snapshot(int pid, int ppid, String comm, String exe, String cmdline, int uid) {}

    /** Every numeric entry of {@code /proc}: the thread group ids alive now. */
    public List<Integer> pids() {
        List<Integer> pids = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(root)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit) && name.length() < 10) {
                    pids.add(Integer.parseInt(name));
                }
            }
        } catch (IOException e) {
            // No /proc (a test tree, a sandbox): the table stays as the events make it.
        }
        return pids;
    }

    /** Reads {@code pid}, or returns null if it is gone (or not readable). */
    public Snapshot read(int pid) {
        Path dir = root.resolve(Integer.toString(pid));
        String stat = readString(dir.resolve("stat"));
        if (stat == null) {
            return null;
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            return null;
        }
        String comm = stat.substring(open + 1, close);
        return new Snapshot(pid, ppidAfter(stat, close), comm, readLink(dir.resolve("exe")), cmdline(dir.resolve("cmdline")),
                effectiveUid(dir.resolve("status")));
    }

    /** Reads only the executable, command line and effective uid: what an exec changes. */
    public Snapshot readAfterExec(int pid, int ppid) {
        Path dir = root.resolve(Integer.toString(pid));
        String newComm = comm(pid);
        if (newComm == null) {
            return null;
        }
        return new Snapshot(pid, ppid, newComm, readLink(dir.resolve("exe")), cmdline(dir.resolve("cmdline")),
                effectiveUid(dir.resolve("status")));
    }

    private static String cmdline(Path file) {
        byte[] raw = readBytes(file);
        if (raw == null || raw.length == 0) {
            return null;
        }
        int end = raw.length;
        while (end > 0 && raw[end - 1] == 0) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            if (raw[i] == 0) {
                raw[i] = ' ';
            }
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }

    private static int effectiveUid(Path status) {
        int[] uids = uids(status);
        return uids != null ? uids[1] : -1;
    }

    /** The real, effective, saved and filesystem uids of {@code pid} ({@code Uid:} in status), or null if gone. */
    public int[] uids(int pid) {
        return uids(root.resolve(Integer.toString(pid)).resolve("status"));
    }

    private static int[] uids(Path status) {
        String text = readString(status);
        if (text == null) {
            return null;
        }
        int at = text.indexOf("\nUid:");
        if (at < 0) {
            return null;
        }
        String[] fields = text.substring(at + 5, text.indexOf('\n', at + 1)).trim().split("\\s+");
        if (fields.length < 4) {
            return null;
        }
        int[] uids = new int[4];
        for (int i = 0; i < 4; i++) {
            uids[i] = parseInt(fields[i]);
        }
        return uids;
    }

    /** The parent of {@code pid} from its {@code stat} alone (cheaper than {@link #read}), or -1 if gone. */
    public int parentOf(int pid) {
        String stat = readString(root.resolve(Integer.toString(pid)).resolve("stat"));
        int close = stat == null ? -1 : stat.lastIndexOf(')');
        return close < 0 ? -1 : ppidAfter(stat, close);
    }

    /** {parent pid, session id} of {@code pid} from its {@code stat}, or null if gone. */
    public int[] parentAndSession(int pid) {
        return parentAndSession(readString(root.resolve(Integer.toString(pid)).resolve("stat")));
    }

    /**
     * {parent pid, session id} from a {@code stat} line: its fourth and sixth fields, after the command in parentheses
     * (which may hold spaces and parentheses); null when it is not one.
     */
    public static int[] parentAndSession(String stat) {
        if (stat == null) {
            return null;
        }
        int end = stat.lastIndexOf(')');
        if (end < 0 || end + 2 > stat.length()) {
            return null;
        }
        String[] f = stat.substring(end + 2).split(" ", 5); // state ppid pgrp session ...
        try {
            return f.length < 5 ? null : new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[3])};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The ppid in {@code "pid (comm) state ppid ..."}, read after the comm's closing parenthesis at {@code close}. */
    private static int ppidAfter(String stat, int close) {
        String[] rest = stat.substring(close + 1).trim().split(" ", 3);
        return rest.length >= 2 ? parseInt(rest[1]) : -1;
    }

    /** {@code /proc/<pid>/<name>} under this tree's root, for a caller that keeps the file open. */
    public Path file(int pid, String name) {
        return root.resolve(Integer.toString(pid)).resolve(name);
    }

    /** The name of {@code pid} ({@code comm}), or null if gone. */
    public String comm(int pid) {
        String comm = readString(root.resolve(Integer.toString(pid)).resolve("comm"));
        return comm == null ? null : comm.strip();
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    private static String readString(Path file) {
        byte[] raw = readBytes(file);
        return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
