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

    /** One member: a pid from its fork on, and its exit record once matched. */
    private static final class Member {
        final int pid;
        final Instant forked;
        /** Taken over running: its fork was before the job, so any record after {@link #forked} is its own. */
        final boolean adopted;
        boolean gone;
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
    private Instant started;
    private int root = -1;
    private long changedAt = System.nanoTime();

    /**
     * @param name    the job's name in its record (null: the command's first word)
     * @param command what the job runs, for its record
     * @param selfPid the process that starts the job's first process (its fork of it is no reuse of a pid)
     */
    public JobTracker(String name, List<String> command, int selfPid) {
        this.command = List.copyOf(command);
        this.name = name != null ? name : command.isEmpty() ? "job" : command.getFirst();
        this.selfPid = selfPid;
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
            }
            case AcctEvent a when AcctEvent.EXIT.equals(a.type()) -> exit(a);
            case LossEvent l -> losses.merge(l.channel(), Math.max(1, l.count()), Long::sum);
            default -> { }
        }
    }

    private void fork(int parent, int child, Instant time) {
        Member p = live.get(parent);
        boolean fromMember = p != null && (p.record == null || p.record.time().isAfter(time));
        Member reused = live.get(child);
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
        if (root < 0 || System.nanoTime() - changedAt < quietNanos) {
            return false;
        }
        for (Member m : all) {
            if (m.record == null) {
                return false;
            }
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
                sum.totals(), exitCode, new HashMap<>(losses));
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
