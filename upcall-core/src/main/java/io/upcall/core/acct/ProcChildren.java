package io.upcall.core.acct;

import io.upcall.core.procfs.ProcFs;
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
        ProcFs procFs = new ProcFs(proc);
        Map<Integer, Integer> parents = new HashMap<>();
        for (int pid : procFs.pids()) {
            int parent = procFs.parentOf(pid);
            if (parent > 0) {
                parents.put(pid, parent);
            }
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
}
