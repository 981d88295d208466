package io.upcall.core.relay;

import io.upcall.core.procfs.ProcFs;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The processes inside one subtree, for a relay registration's {@code tree=P}: seeded from a {@code /proc} scan,
 * then kept by fork and exit. Not thread-safe: {@link RelayTrees} holds every instance and guards it.
 */
final class TreeMembers {
    private final int root;
    private Set<Integer> members = new HashSet<>();

    TreeMembers(int root) {
        this.root = root;
    }

    int root() {
        return root;
    }

    boolean contains(int tgid) {
        return tgid == root || members.contains(tgid);
    }

    void forked(int parentTgid, int childTgid) {
        if (contains(parentTgid)) {
            members.add(childTgid);
        }
    }

    void exited(int tgid) {
        members.remove(tgid);
    }

    /** Replaces the members with {@code root}'s subtree in {@code children}: each pid's children, from /proc. */
    void seed(Map<Integer, List<Integer>> children) {
        Set<Integer> seeded = new HashSet<>();
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            for (int child : children.getOrDefault(todo.poll(), List.of())) {
                if (seeded.add(child)) {
                    todo.add(child);
                }
            }
        }
        members = seeded;
    }
}
