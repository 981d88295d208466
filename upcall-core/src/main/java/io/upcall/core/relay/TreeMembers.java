package io.upcall.core.relay;

import io.upcall.core.procfs.ProcFs;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The processes inside one subtree, for a relay registration's {@code --tree}: seeded from {@code /proc}, then
 * kept by fork and exit. Used only on the dispatch thread. After a proc-connector loss it is seeded again,
 * since forks it did not see would otherwise be missing.
 */
final class TreeMembers {
    private final int root;
    private final Set<Integer> members = new HashSet<>();
    private boolean seeded;

    TreeMembers(int root) {
        this.root = root;
    }

    boolean contains(ProcFs procFs, int tgid) {
        seedIfNeeded(procFs);
        return tgid == root || members.contains(tgid);
    }

    void forked(ProcFs procFs, int parentTgid, int childTgid) {
        if (contains(procFs, parentTgid)) {
            members.add(childTgid);
        }
    }

    void exited(int tgid) {
        members.remove(tgid);
    }

    void reseed() {
        seeded = false;
    }

    private void seedIfNeeded(ProcFs procFs) {
        if (seeded) {
            return;
        }
        seeded = true;
        members.clear();
        members.add(root);
        Map<Integer, List<Integer>> children = new HashMap<>();
        for (int pid : procFs.pids()) {
            int ppid = procFs.parentOf(pid);
            if (ppid > 0) {
                children.computeIfAbsent(ppid, k -> new java.util.ArrayList<>()).add(pid);
            }
        }
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            for (int child : children.getOrDefault(todo.poll(), List.of())) {
                if (members.add(child)) {
                    todo.add(child);
                }
            }
        }
    }
}
