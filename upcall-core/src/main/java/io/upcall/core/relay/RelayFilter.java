package io.upcall.core.relay;

import io.upcall.core.proc.ProcEventType;
import java.util.EnumSet;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Which process events a relay registration hears about: by default forks of processes (the child's pid
 * equals its thread group id), optionally new threads too, exec and exit, and only inside one process's
 * subtree.
 *
 * @param events   a non-empty subset of fork, exec and exit
 * @param threads  also new threads (fork) and thread exits (exit), not only processes
 * @param treeRoot only events of this process and its descendants; {@link #ANYWHERE} for the whole system
 */
public record RelayFilter(Set<ProcEventType> events, boolean threads, int treeRoot) {
    public static final int ANYWHERE = 0;
    private static final Set<ProcEventType> RELAYED = EnumSet.of(ProcEventType.FORK, ProcEventType.EXEC, ProcEventType.EXIT);

    public RelayFilter {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no event type selected: give fork, exec or exit");
        }
        for (ProcEventType type : events) {
            if (!RELAYED.contains(type)) {
                throw new IllegalArgumentException("the relay sends fork, exec and exit, not " + type.jsonName());
            }
        }
        if (treeRoot < 0) {
            throw new IllegalArgumentException("tree root " + treeRoot + " is not a pid");
        }
        events = Set.copyOf(EnumSet.copyOf(events));
    }

    /** Forks of processes anywhere on the system: the relay's default. */
    public static RelayFilter forks() {
        return new RelayFilter(EnumSet.of(ProcEventType.FORK), false, ANYWHERE);
    }

    public RelayFilter withEvents(Set<ProcEventType> wanted) {
        return new RelayFilter(wanted, threads, treeRoot);
    }

    public RelayFilter withThreads(boolean on) {
        return new RelayFilter(events, on, treeRoot);
    }

    public RelayFilter withTree(int root) {
        return new RelayFilter(events, threads, root);
    }

    /** As the relay's commands show it: {@code fork,exit tree=812 threads}. */
    @Override
    public String toString() {
        return eventNames() + (treeRoot != ANYWHERE ? " tree=" + treeRoot : "") + (threads ? " threads" : "");
    }

    /** The event types, in the kernel's order: {@code fork,exit}. */
    String eventNames() {
        StringJoiner types = new StringJoiner(",");
        for (ProcEventType type : RELAYED) {
            if (events.contains(type)) {
                types.add(type.jsonName());
            }
        }
        return types.toString();
    }

    /** Whether an event of {@code type} about {@code pid} of thread group {@code tgid} passes, tree aside. */
    boolean wants(ProcEventType type, int pid, int tgid) {
        return events.contains(type) && (threads || pid == tgid);
    }
}
