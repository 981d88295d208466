package io.upcall.core.relay;

import io.upcall.core.procfs.ProcFs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Every subtree a relay's {@code tree=P} registrations follow, kept by fork and exit on the dispatch thread and
 * seeded from {@code /proc} anywhere but there: a registration seeds its tree on the registering thread before it
 * is confirmed, and a proc-connector loss has every tree seeded again by one background scan. A scan of
 * {@code /proc} takes milliseconds to a second; on the dispatch thread, one user's registrations would make the
 * socket overflow and cost every other registrant its events.
 *
 * <p>While a scan runs, forks and exits are also written to a journal; a scan's result is installed with the
 * journal since the scan began replayed on top, so a process born or gone during the scan is not missed.
 */
final class RelayTrees {
    /** Fork and exit records kept while scans run; beyond this the trees are scanned again instead. */
    private static final int JOURNAL_LIMIT = 1 << 20;
    private static final int EXIT = -1;

    private final Supplier<Map<Integer, List<Integer>>> scanner;
    private final Executor reseeder;
    private final List<TreeMembers> trees = new ArrayList<>();
    private final Set<TreeMembers> stale = new LinkedHashSet<>();
    /** Each record: the parent's tgid (or {@link #EXIT}) in the high half, the child's (or the exited) in the low. */
    private long[] journal = new long[256];
    private int journalLength;
    /** The number of records ever journaled before {@code journal[0]}. */
    private long journalBase;
    private boolean journalOverflowed;
    private int scans;
    private boolean reseedQueued;

    /** @param reseeder runs the scans after a loss (a single background thread; a direct executor in tests) */
    RelayTrees(ProcFs procFs, Executor reseeder) {
        this(() -> scan(procFs), reseeder);
    }

    /** @param scanner each process's children, as a scan of {@code /proc} finds them now */
    RelayTrees(Supplier<Map<Integer, List<Integer>>> scanner, Executor reseeder) {
        this.scanner = scanner;
        this.reseeder = reseeder;
    }

    synchronized boolean contains(TreeMembers tree, int tgid) {
        return tree.contains(tgid);
    }

    synchronized void forked(int parentTgid, int childTgid) {
        for (TreeMembers t : trees) {
            t.forked(parentTgid, childTgid);
        }
        journal(parentTgid, childTgid);
    }

    synchronized void exited(int tgid) {
        for (TreeMembers t : trees) {
            t.exited(tgid);
        }
        journal(EXIT, tgid);
    }

    /** Follows {@code tree} from now on, seeding it from {@code /proc} on the calling thread before returning. */
    void add(TreeMembers tree) {
        long from;
        synchronized (this) {
            trees.add(tree);
            from = beginScan();
        }
        Map<Integer, List<Integer>> children = null;
        boolean again = false;
        try {
            children = scanner.get();
        } finally {
            synchronized (this) {
                if (children != null) {
                    again = install(tree, children, from);
                }
                endScan();
            }
        }
        if (again) {
            reseedAll();
        }
    }

    synchronized void remove(TreeMembers tree) {
        trees.remove(tree);
        stale.remove(tree);
    }

    /** After a proc-connector loss: every tree is seeded again by the reseeder, not by the calling thread. */
    void reseedAll() {
        synchronized (this) {
            stale.addAll(trees);
            if (stale.isEmpty() || reseedQueued) {
                return;
            }
            reseedQueued = true;
        }
        reseeder.execute(this::reseed);
    }

    /** One scan serves every tree that was stale when it began; trees made stale meanwhile get the next. */
    private void reseed() {
        while (true) {
            List<TreeMembers> batch;
            long from;
            synchronized (this) {
                if (stale.isEmpty()) {
                    reseedQueued = false;
                    return;
                }
                batch = new ArrayList<>(stale);
                stale.clear();
                from = beginScan();
            }
            Map<Integer, List<Integer>> children = null;
            try {
                children = scanner.get();
            } finally {
                synchronized (this) {
                    if (children == null) {
                        reseedQueued = false; // the scan failed: the next loss tries again
                    }
                    for (TreeMembers t : children != null ? batch : List.<TreeMembers>of()) {
                        if (trees.contains(t) && install(t, children, from)) {
                            stale.add(t);
                        }
                    }
                    endScan();
                }
            }
        }
    }

    private long beginScan() {
        scans++;
        return journalBase + journalLength;
    }

    private void endScan() {
        if (--scans == 0) {
            journalBase += journalLength;
            journalLength = 0;
            journalOverflowed = false;
            if (journal.length > 256) {
                journal = new long[256];
            }
        }
    }

    /** @return whether the journal overflowed during the scan, so that {@code tree} must be scanned again */
    private boolean install(TreeMembers tree, Map<Integer, List<Integer>> children, long from) {
        tree.seed(children);
        for (int i = (int) (from - journalBase); i < journalLength; i++) {
            int parent = (int) (journal[i] >> 32);
            int child = (int) journal[i];
            if (parent == EXIT) {
                tree.exited(child);
            } else {
                tree.forked(parent, child);
            }
        }
        return journalOverflowed;
    }

    private void journal(int parent, int child) {
        if (scans == 0) {
            return;
        }
        if (journalLength == JOURNAL_LIMIT) {
            journalOverflowed = true;
            return;
        }
        if (journalLength == journal.length) {
            journal = Arrays.copyOf(journal, journal.length * 2);
        }
        journal[journalLength++] = ((long) parent << 32) | (child & 0xFFFF_FFFFL);
    }

    /** Each process's children, from the parent pid in every {@code /proc/<pid>/stat}. */
    private static Map<Integer, List<Integer>> scan(ProcFs procFs) {
        Map<Integer, List<Integer>> children = new HashMap<>();
        for (int pid : procFs.pids()) {
            int ppid = procFs.parentOf(pid);
            if (ppid > 0) {
                children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(pid);
            }
        }
        return children;
    }
}
