package io.upcall.core.acct;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The descendants a process has now, from {@code /proc/<pid>/stat}'s parent pids, to seed a job taken over running. */
final class ProcChildren {
    private ProcChildren() {}

    /** {@code pid} and every descendant it has now; a process that ends while being read is left out. */
    static List<Integer> tree(Path proc, int pid) {
        return descendants(parents(proc), List.of(pid));
    }

    /** Every process now, by pid, with its parent's pid; a process that ends while being read is left out. */
    static Map<Integer, Integer> parents(Path proc) {
        Map<Integer, Integer> parents = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path dir : dirs) {
                int child = Integer.parseInt(dir.getFileName().toString());
                int parent = parent(dir.resolve("stat"));
                if (parent > 0) {
                    parents.put(child, parent);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // an unreadable /proc: no process known
        }
        return parents;
    }

    /** {@code roots} and every descendant of theirs in {@code parents} (pid to parent pid), roots first. */
    static List<Integer> descendants(Map<Integer, Integer> parents, Collection<Integer> roots) {
        Map<Integer, List<Integer>> children = new HashMap<>();
        parents.forEach((child, parent) -> children.computeIfAbsent(parent, k -> new ArrayList<>()).add(child));
        List<Integer> out = new ArrayList<>(roots);
        Set<Integer> seen = new HashSet<>(out);
        for (int i = 0; i < out.size(); i++) {
            for (int c : children.getOrDefault(out.get(i), List.of())) {
                if (seen.add(c)) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** The fourth field of {@code stat}, after the command in parentheses (which may hold spaces and parentheses). */
    static int parent(Path stat) {
        try {
            String s = Files.readString(stat);
            int end = s.lastIndexOf(')');
            String[] rest = s.substring(end + 2).split(" ", 3);
            return Integer.parseInt(rest[1]);
        } catch (IOException | RuntimeException e) {
            return -1; // ended meanwhile, or not a process's stat
        }
    }
}
