package io.upcall.core.proc;

import io.upcall.protocol.cnproc.ProcEvent;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code --tree P}: the processes descended from P, kept by the events. Membership is decided at the fork, from
 * the parent's, and ends at the exit: a descendant stays one after its parent exits and the kernel reparents it
 * (the table's parent links would lose it then). Seeded from the process table's view of {@code /proc}, again after
 * a loss. Owned by the dispatch thread.
 */
final class TreeSelection {
    private final int root;
    private final Set<Integer> members = new HashSet<>();

    TreeSelection(int root) {
        this.root = root;
        members.add(root);
    }

    /** Adds the descendants of the root that {@code table} knows (after a rescan of {@code /proc}). */
    void seed(ProcessTable table) {
        for (int pid : table.pids()) {
            if (table.isInTree(pid, root)) {
                members.add(pid);
            }
        }
    }

    /** Whether {@code event} is about the tree; updates membership (call once per event, in order). */
    boolean accept(ProcEvent event) {
        int tgid = event.subjectTgid();
        return switch (event) {
            case ProcEvent.Fork f -> {
                boolean in = members.contains(f.parentTgid()) || members.contains(tgid);
                if (in && !f.thread()) {
                    members.add(tgid);
                }
                yield in;
            }
            case ProcEvent.Exit x -> {
                boolean in = members.contains(tgid);
                if (in && x.pid() == x.tgid() && tgid != root) {
                    members.remove(tgid); // after this, its last event
                }
                yield in;
            }
            default -> members.contains(tgid);
        };
    }
}
