package io.upcall.core.acct;

import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.core.event.Subscriber;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.protocol.cnproc.ProcEvent;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * An ELSA job: a process and every descendant, by fork lineage from the proc channel (so {@code setsid}, a double
 * fork and reparenting to init do not escape), accounted from the acct channel's exit records. Subscribe it to one
 * stream that has both channels, start the stream, start the job's first process, then {@link #root} it. The job has
 * ended when every member has its exit record ({@link #ended}); {@link #record} sums them.
 *
 * <p>Pids are reused, fast on a busy machine, so a member is a pid <em>and</em> the time it was forked: a fork whose
 * child pid is a member's, from a parent outside the job, means that member is gone and its pid now belongs to someone
 * else, who is no parent of members. An exit record is a member's when its pid matches and it came after the member's
 * fork (and the process began no earlier than that second). Exit records may come before the fork that made the
 * process (two channels, two reading threads): they wait, matched when the fork comes. Forks seen before
 * {@link #root} are kept, so children the first process made before it was named are members too.
 *
 * <p>Events arrive on the dispatch thread; the other methods may be called from any thread.
 */
public final class JobTracker implements Subscriber {
    /** Forks and records remembered before they are known to matter: on a busy machine, the newest this many. */
    private static final int MAX_UNCLAIMED = 200_000;
    /** Parents of parents claimed after a loss: a lost subtree this deep at most. */
    private static final int MAX_RESCAN_ROUNDS = 64;
    /** After a loss, how long a member may be gone from {@code /proc} without its record before it is given up. */
    static final long GIVE_UP_NANOS = 2_000_000_000L;
    /** The least time between two rescans of {@code /proc} after losses. */
    private static final long RESCAN_NANOS = 100_000_000L;
    private static final java.nio.file.Path PROC = java.nio.file.Path.of("/proc");

    /** One member: a pid from its fork on, and its exit record once matched. */
    private static final class Member {
        final int pid;
        final Instant forked;
        /** Taken over running: its fork was before the job, so any record after {@link #forked} is its own. */
        final boolean adopted;
        boolean gone;
        /** Ended without a record that came (lost): counted, its figures missing. */
        boolean unaccounted;
        AcctEvent record;

        Member(int pid, Instant forked) {
            this(pid, forked, false);
        }

        Member(int pid, Instant forked, boolean adopted) {
            this.pid = pid;
            this.forked = forked;
            this.adopted = adopted;
        }
    }

    private record Fork(int parent, int child, Instant time) {}

    private final String name;
    private final List<String> command;
    private final int selfPid;
    private final List<Member> all = new ArrayList<>();
    private final Map<Integer, Member> live = new HashMap<>();
    private final Map<Integer, Deque<AcctEvent>> unclaimed = bounded();
    private final Deque<Fork> early = new ArrayDeque<>();
    private final Map<String, Long> losses = new TreeMap<>();
    private final Supplier<Map<Integer, Integer>> processes;
    private Instant started;
    private int root = -1;
    private long changedAt = System.nanoTime();
    /** The last fork seen: forks lost after a loss report came after it. */
    private Instant lastFork;
    /** Some event was lost: members may be missing (rescanned) or their records may never come (given up). */
    private boolean lossSeen;
    private int unaccounted;
    private JobCgroup cgroup;
    private long giveUpNanos = GIVE_UP_NANOS;
    /** A rescan asked for by a loss and not yet done, with the earliest time lost forks may have: or null. */
    private Instant rescanDue;
    private long rescannedAt = System.nanoTime() - RESCAN_NANOS;

    /**
     * @param name    the job's name in its record (null: the command's first word)
     * @param command what the job runs, for its record
     * @param selfPid the process that starts the job's first process (its fork of it is no reuse of a pid)
     */
    public JobTracker(String name, List<String> command, int selfPid) {
        this(name, command, selfPid, () -> ProcChildren.parents(PROC));
    }

    /** @param processes every process now, by pid, with its parent's pid ({@code /proc}; a stand-in in tests) */
    JobTracker(String name, List<String> command, int selfPid, Supplier<Map<Integer, Integer>> processes) {
        this.command = List.copyOf(command);
        this.name = name != null ? name : command.isEmpty() ? "job" : command.getFirst();
        this.selfPid = selfPid;
        this.processes = processes;
    }

    /** How long after the last change a member gone without its record is given up (tests: 0). */
    synchronized void giveUpAfter(long nanos) {
        giveUpNanos = nanos;
    }

    /**
     * Makes the job a cgroup's too: every process found in it is a member, the job lasts while the cgroup holds a
     * process, and the record carries the cgroup's own figures beside the members' sum. Call before {@link #root} or
     * {@link #adopt}.
     */
    public synchronized void follow(JobCgroup cgroup) {
        this.cgroup = cgroup;
    }

    private static Map<Integer, Deque<AcctEvent>> bounded() {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Deque<AcctEvent>> eldest) {
                return size() > MAX_UNCLAIMED;
            }
        };
    }

    @Override
    public synchronized void onEvent(Event event, boolean endOfBatch) {
        switch (event) {
            case ProcessEvent p when p.kernel() instanceof ProcEvent.Fork f && !f.thread() -> {
                if (root < 0) {
                    early.addLast(new Fork(f.parentTgid(), f.childTgid(), p.time()));
                    if (early.size() > MAX_UNCLAIMED) {
                        early.removeFirst();
                    }
                } else {
                    fork(f.parentTgid(), f.childTgid(), p.time());
                }
                lastFork = p.time();
            }
            case AcctEvent a when AcctEvent.EXIT.equals(a.type()) -> exit(a);
            case LossEvent l -> {
                losses.merge(l.channel(), Math.max(1, l.count()), Long::sum);
                lossSeen = true;
                Instant since = lastFork != null ? lastFork : l.time();
                rescanDue = rescanDue == null || since.isBefore(rescanDue) ? since : rescanDue;
            }
            default -> { }
        }
        rescanIfDue();
    }

    /**
     * Rescans after a loss, at most once per {@link #RESCAN_NANOS}: a storm of loss reports (one per CPU's gap) must
     * not make the dispatch thread read {@code /proc} for each, falling behind and losing more.
     */
    private void rescanIfDue() {
        if (rescanDue != null && root >= 0 && System.nanoTime() - rescannedAt >= RESCAN_NANOS) {
            Instant since = rescanDue;
            rescanDue = null;
            rescannedAt = System.nanoTime();
            rescan(since);
        }
    }

    /**
     * After a loss: forks may be missing, so members forked meanwhile are looked for. Those still running are found
     * in {@code /proc} by parent pid from every running member (and then from each one found); those that ended
     * already left an exit record naming a member as parent ({@link #claimByParent}). {@code since}: the last fork
     * seen before the loss, when the lost ones began at the earliest.
     */
    private void rescan(Instant since) {
        if (root < 0) {
            return; // not yet begun: root() or adopt() reads what there is
        }
        List<Integer> running = new ArrayList<>();
        for (Member m : live.values()) {
            if (m.record == null) {
                running.add(m.pid);
            }
        }
        for (int pid : ProcChildren.descendants(processes.get(), running)) {
            if (!live.containsKey(pid)) {
                join(pid, since);
            }
        }
        for (int round = 0; round < MAX_RESCAN_ROUNDS && claimByParent(); round++) {
            // each round may name parents of further records
        }
        changedAt = System.nanoTime();
    }

    /** A member found by a rescan rather than by its fork: its records after {@code since} are its own. */
    private void join(int pid, Instant since) {
        Member m = new Member(pid, since, true);
        all.add(m);
        live.put(pid, m);
        claim(m);
    }

    /** Takes every waiting exit record whose parent ({@code ac_ppid}) was a member running when it ended; true if any. */
    private boolean claimByParent() {
        boolean any = false;
        for (Iterator<Map.Entry<Integer, Deque<AcctEvent>>> i = unclaimed.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<Integer, Deque<AcctEvent>> e = i.next();
            for (Iterator<AcctEvent> r = e.getValue().iterator(); r.hasNext(); ) {
                if (claimByParent(r.next())) {
                    r.remove();
                    any = true;
                    break;
                }
            }
            if (e.getValue().isEmpty()) {
                i.remove();
            }
        }
        return any;
    }

    /** Makes {@code a}'s process a member if its parent was a running member when it ended; true if so. */
    private boolean claimByParent(AcctEvent a) {
        int pid = (int) a.pid();
        Member parent = live.get((int) a.stats().get(TaskstatsField.AC_PPID, -1));
        if (live.containsKey(pid) || parent == null || !a.time().isAfter(parent.forked)
                || (parent.record != null && !parent.record.time().isAfter(a.time()))) {
            return false;
        }
        long ran = a.stats().get(TaskstatsField.AC_ETIME, -1);
        long began = a.stats().beginTimeSeconds();
        Instant forked = ran >= 0 ? a.time().minusNanos(ran * 1000) : began >= 0 ? Instant.ofEpochSecond(began) : a.time();
        Member m = new Member(pid, forked, true);
        m.record = a;
        all.add(m);
        live.put(pid, m);
        return true;
    }

    private void fork(int parent, int child, Instant time) {
        Member p = live.get(parent);
        boolean fromMember = p != null && (p.record == null || p.record.time().isAfter(time));
        Member reused = live.get(child);
        if (reused != null && fromMember && reused.adopted && (reused.record == null
                || Math.abs(reused.forked.getEpochSecond() - time.getEpochSecond()) <= 1)) {
            return; // a rescan found it first (running, or by its record): the fork came late, it is no new member
        }
        if (reused != null && !fromMember && parent != selfPid) {
            reused.gone = true; // its pid was given to a process outside the job
            live.remove(child);
        }
        if (fromMember) {
            Member m = new Member(child, time);
            all.add(m);
            live.put(child, m);
            claim(m);
            changedAt = System.nanoTime();
        }
    }

    private void exit(AcctEvent a) {
        int pid = (int) a.pid();
        Member m = live.get(pid);
        if (m != null && m.record == null && belongs(a, m)) {
            m.record = a;
            changedAt = System.nanoTime();
            return;
        }
        if (lossSeen && root >= 0 && claimByParent(a)) {
            // a process whose fork was lost, ended since: its parent is ours; so may be the records of its children
            for (int round = 0; round < MAX_RESCAN_ROUNDS && claimByParent(); round++) {
                // bounded: each round takes at least one record
            }
            changedAt = System.nanoTime();
            return;
        }
        unclaimed.computeIfAbsent(pid, k -> new ArrayDeque<>(2)).addLast(a);
    }

    /** A record that came before its member's fork was processed. */
    private void claim(Member m) {
        Deque<AcctEvent> waiting = unclaimed.get(m.pid);
        if (waiting == null) {
            return;
        }
        for (Iterator<AcctEvent> i = waiting.iterator(); i.hasNext(); ) {
            AcctEvent a = i.next();
            if (belongs(a, m)) {
                m.record = a;
                i.remove();
                return;
            }
        }
    }

    private static boolean belongs(AcctEvent a, Member m) {
        long began = a.stats().beginTimeSeconds();
        return a.time().isAfter(m.forked) && (m.adopted || began < 0 || began >= m.forked.getEpochSecond() - 1);
    }

    /** Names the job's first process, started at {@code when} (after the stream started), with what it forked since. */
    public synchronized void root(int pid, Instant when) {
        root = pid;
        started = when;
        Member first = new Member(pid, when);
        all.add(first);
        live.put(pid, first);
        claim(first);
        while (!early.isEmpty()) {
            Fork f = early.removeFirst();
            fork(f.parent(), f.child(), f.time());
        }
        changedAt = System.nanoTime();
    }

    /**
     * Takes over a running process as the job ({@code upcall jobs add}): it and every descendant it has now, read
     * from {@code /proc}, with what they forked since the stream started.
     */
    public void adopt(int pid, Instant when) {
        adopt(pid, when, ProcChildren.tree(java.nio.file.Path.of("/proc"), pid));
    }

    /**
     * Takes over the processes of the cgroup {@link #follow}ed, and every descendant they have now, as the job
     * ({@code upcall jobs add --cgroup}); false when the cgroup holds no process.
     */
    public boolean adoptCgroup(Instant when) {
        JobCgroup followed;
        synchronized (this) {
            followed = cgroup;
        }
        List<Integer> in = new ArrayList<>(new java.util.TreeSet<>(followed.processes()));
        if (in.isEmpty()) {
            return false;
        }
        adopt(in.getFirst(), when, ProcChildren.descendants(processes.get(), in));
        return true;
    }

    synchronized void adopt(int pid, Instant when, List<Integer> tree) {
        root = pid;
        started = when;
        for (int p : tree) {
            if (!live.containsKey(p)) {
                Member m = new Member(p, when, true);
                all.add(m);
                live.put(p, m);
                claim(m);
            }
        }
        while (!early.isEmpty()) {
            Fork f = early.removeFirst();
            if (f.time().isAfter(when) || !live.containsKey(f.child())) {
                fork(f.parent(), f.child(), f.time());
            }
        }
        changedAt = System.nanoTime();
    }

    /**
     * True when every member known has its exit record and nothing changed for {@code quietNanos} (a last fork may
     * still be on its way through the other channel).
     */
    public synchronized boolean ended(long quietNanos) {
        if (root < 0) {
            return false;
        }
        rescanIfDue();
        if (rescanDue != null) {
            return false;
        }
        if (cgroup != null) {
            Instant seen = Instant.now();
            for (int pid : cgroup.processes()) {
                if (!live.containsKey(pid)) {
                    join(pid, seen); // moved in from outside the job's lineage
                    changedAt = System.nanoTime();
                }
            }
            if (cgroup.populated()) {
                return false;
            }
        }
        long quiet = System.nanoTime() - changedAt;
        if (quiet < quietNanos) {
            return false;
        }
        List<Member> waiting = new ArrayList<>();
        for (Member m : all) {
            if (m.record == null && !m.unaccounted) {
                waiting.add(m);
            }
        }
        if (waiting.isEmpty()) {
            return true;
        }
        if (quiet < giveUpNanos || !waiting.stream().allMatch(m -> m.gone || lossSeen)) {
            return false;
        }
        // After a loss a record may never come: a member no longer in /proc has ended, and its figures are lost.
        Map<Integer, Integer> now = processes.get();
        for (Member m : waiting) {
            if (!m.gone && now.containsKey(m.pid)) {
                return false;
            }
        }
        for (Member m : waiting) {
            m.unaccounted = true;
            unaccounted++;
        }
        return true;
    }

    /** The job's record now: its members' exit records summed. */
    public synchronized JobEvent record(Instant now) {
        ThreadFold sum = new ThreadFold();
        Map<String, Integer> commands = new TreeMap<>();
        int threads = 0;
        int exitCode = -1;
        for (Member m : all) {
            if (m.record == null) {
                continue;
            }
            sum.add(m.record.stats(), root);
            threads += m.record.threads();
            commands.merge(m.record.stats().comm() == null ? "?" : m.record.stats().comm(), 1, Integer::sum);
            if (m.pid == root && m.record.stats().has(TaskstatsField.AC_EXITCODE)) {
                exitCode = m.record.exitCode();
            }
        }
        return new JobEvent(now, name, root, command, started, sum.count(), all.size(), threads, peak(), commands,
                sum.totals(), exitCode, new HashMap<>(losses), unaccounted, cgroup == null ? null : cgroup.usage());
    }

    /**
     * The most members alive at once: each from its fork for as long as the kernel says it ran ({@code ac_etime}),
     * not until its record arrived (which lags by the channels' batching).
     */
    private int peak() {
        List<long[]> edges = new ArrayList<>(2 * all.size());
        for (Member m : all) {
            edges.add(new long[] {nanos(m.forked), 1});
            if (m.record != null) {
                long ran = m.record.stats().get(TaskstatsField.AC_ETIME, -1);
                edges.add(new long[] {ran >= 0 && !m.adopted ? nanos(m.forked) + ran * 1000 : nanos(m.record.time()), -1});
            }
        }
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1])); // ends first on a tie
        int alive = 0;
        int peak = 0;
        for (long[] e : edges) {
            alive += (int) e[1];
            peak = Math.max(peak, alive);
        }
        return peak;
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
