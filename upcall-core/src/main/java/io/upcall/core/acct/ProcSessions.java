package io.upcall.core.acct;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Every process's parent and session now, from {@code /proc/<pid>/stat}, to seed and rescan {@link SessionJobs}. */
final class ProcSessions {
    private ProcSessions() {}

    /** pid to {parent pid, session id}; a process that ends while being read is left out. */
    static Map<Integer, int[]> read(Path proc) {
        Map<Integer, int[]> out = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path dir : dirs) {
                int[] ps = parse(readQuietly(dir.resolve("stat")));
                if (ps != null) {
                    out.put(Integer.parseInt(dir.getFileName().toString()), ps);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // an unreadable /proc: no process known
        }
        return out;
    }

    private static String readQuietly(Path stat) {
        try {
            return Files.readString(stat);
        } catch (IOException e) {
            return null; // ended meanwhile
        }
    }

    /**
     * {parent pid, session} from a {@code stat} line: its fourth and sixth fields, after the command in parentheses
     * (which may hold spaces and parentheses); null when it is not one.
     */
    static int[] parse(String stat) {
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
}
