package io.upcall.core.acct;

import io.upcall.core.channel.EventStage;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.protocol.cnproc.ProcEvent;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Machine-wide jobs for the live {@code acct} stream ({@code upcall acct --jobs}), the way CSA makes them: a job per
 * session. CSA's PAM module starts a job at login; here a process that calls {@code setsid()} (the proc connector's
 * {@code sid} event) starts one, named after it (its {@code comm}, its pid the session id), and sessions that exist
 * when the stream starts are seeded from {@code /proc/<pid>/stat}'s session field. Members follow fork lineage, as in
 * {@link JobTracker}; a member that calls {@code setsid()} again leaves its job and starts its own, as a new login
 * would under CSA (so a daemon started from a shell is its own job, and the shell's job does not last as long as the
 * daemon). A job ends when its last member's exit record came and no fork of it followed for {@link #QUIET}; its
 * record ({@link JobEvent}, {@code session} set) sums its members' exit records.
 *
 * <p>At most {@code maxJobs} jobs are followed at once: past that, a new session stays in the job it was forked in
 * (its figures are not lost, only not separated), each such session counted and reported as a {@code loss} event on
 * channel {@code jobs}. Runs on the dispatch thread only, as the acct channel's stage.
 */
final class SessionJobs implements EventStage {
    /** Jobs followed at once by default: sessions on a busy server number in the hundreds. */
    static final int MAX_JOBS = 10_000;
    /** After the last member's record, how long a late fork (the other channel's) may still add a member. */
    static final Duration QUIET = Duration.ofMillis(300);
    /** How long an exit record may wait for the fork that made its process (two channels, two threads). */
    static final Duration PARK = Duration.ofSeconds(1);
    /** After a loss, how long a member may be gone from {@code /proc} without its record before it is given up. */
    static final Duration GIVE_UP = Duration.ofSeconds(2);
    private static final int MAX_PARKED = 100_000;

    private final AcctOptions options;
    private final EventStage names;
    private final int maxJobs;
    private final Supplier<Map<Integer, int[]>> processes;
    private final Map<Integer, SessionJob.Member> members = new HashMap<>();
    private final Set<SessionJob> jobs = new LinkedHashSet<>();
    private final Set<SessionJob> ending = new LinkedHashSet<>();
    private final Map<Integer, Deque<AcctEvent>> parked = new LinkedHashMap<>();
    /** Members whose record came, kept a while for a fork of theirs still on its way, then forgotten. */
    private final Deque<Exited> exited = new ArrayDeque<>();
    private record Exited(int pid, SessionJob.Member member, Instant time) {}

    /** The wall clock the seeding is timed by (tests: a fixed one, as their events' times are). */
    Supplier<Instant> clock = Instant::now;
    private boolean seeded;
    private long untracked;
    private long untrackedReported;
    private int parkedCount;
    /** A loss asked for a rescan of {@code /proc}: when it is due (one {@link #GIVE_UP} later), or null. */
    private Instant rescanDue;
    private boolean lossSeen;

    /**
     * @param options   what to show: {@link AcctOptions#jobs()}, and the user and command the job's leader must have
     * @param names     the stage naming users and groups first (live), or null
     * @param maxJobs   jobs followed at once
     * @param processes every process now: pid to {parent pid, session id} ({@code /proc}; a stand-in in tests), or
     *                  null for no seeding (a replay)
     */
    SessionJobs(AcctOptions options, EventStage names, int maxJobs, Supplier<Map<Integer, int[]>> processes) {
        this.options = options;
        this.names = names;
        this.maxJobs = maxJobs;
        this.processes = processes;
    }

    @Override
    public Event process(Event event) {
        Event e = names == null ? event : names.process(event);
        if (!seeded) {
            seeded = true; // the channels listen by the first event: nothing forked since is missed
            seed(clock.get()); // when /proc is read: forks and sid events of earlier times are in it already
        }
        switch (e) {
            case ProcessEvent p when p.kernel() instanceof ProcEvent.Fork f && !f.thread() ->
                    fork(f.parentTgid(), f.childTgid(), p.time());
            case ProcessEvent p when p.kernel() instanceof ProcEvent.Sid s -> session(s.tgid(), p.time());
            case AcctEvent a when AcctEvent.EXIT.equals(a.type()) -> {
                exit(a);
                return options.jobs() == AcctOptions.Jobs.ONLY || !options.keeps(a) ? null : a;
            }
            case AcctEvent a -> {
                return options.jobs() == AcctOptions.Jobs.ONLY || !options.keeps(a) ? null : a;
            }
            case LossEvent l -> loss(l);
            case null, default -> { }
        }
        return e;
    }

    /** Every session now, and its processes, as jobs begun before the stream (their members' whole lives count). */
    private void seed(Instant now) {
        if (processes == null) {
            return;
        }
        Map<Integer, SessionJob> bySid = new HashMap<>();
        for (Map.Entry<Integer, int[]> p : processes.get().entrySet()) {
            int sid = p.getValue()[1];
            if (sid <= 0 || members.containsKey(p.getKey())) {
                continue; // session 0: kernel threads, in no login's session
            }
            SessionJob job = bySid.get(sid);
            if (job == null) {
                job = open(sid, now);
                if (job == null) {
                    continue;
                }
                bySid.put(sid, job);
            }
            members.put(p.getKey(), job.join(now, true));
        }
    }

    /** A new job, or null past the bound (counted). */
    private SessionJob open(int sid, Instant now) {
        if (jobs.size() >= maxJobs) {
            untracked++;
            return null;
        }
        SessionJob job = new SessionJob(sid, now);
        jobs.add(job);
        return job;
    }

    private void fork(int parent, int child, Instant time) {
        SessionJob.Member p = members.get(parent);
        SessionJob.Member old = members.get(child);
        if (old != null && old.record == null && old.adopted && (!time.isAfter(old.forked) || p != null && old.job == p.job)) {
            // Seeded from /proc (or found by a rescan), its fork seen late: no new member. /proc said where it is now
            // (its session after a setsid() whose event is on its way too), which the fork's lineage would not.
            return;
        }
        if (old != null && old.record == null) {
            old.job.unaccounted(old); // its pid is reused: its record was lost
            ending(old.job, time);
        }
        members.remove(child);
        if (p == null || (p.record != null && !p.record.time().isAfter(time)) || !jobs.contains(p.job)) {
            return; // a parent in no job (a kernel thread's child, or its fork was lost)
        }
        SessionJob.Member m = p.job.join(time, false);
        members.put(child, m);
        ending.remove(p.job);
        claim(child, m);
    }

    /** {@code pid} called {@code setsid()}: it leaves its job and starts its own, named after it. */
    private void session(int pid, Instant time) {
        SessionJob.Member m = members.get(pid);
        if (m != null && m.record != null) {
            m = null; // an earlier holder of the pid
        }
        if (m != null && m.adopted && m.job.sid == pid) {
            return; // seeded from /proc as its session's leader already: its sid event came late
        }
        SessionJob job = open(pid, time);
        if (job == null) {
            return; // past the bound: it stays in the job it was forked in
        }
        if (m != null) {
            m.job.leave(m);
            ending(m.job, time);
        }
        SessionJob.Member joined = job.join(time, m == null);
        members.put(pid, joined);
        claim(pid, joined);
    }

    private void exit(AcctEvent a) {
        int pid = (int) a.pid();
        SessionJob.Member m = members.get(pid);
        if (m != null && m.record == null && belongs(a, m)) {
            accounted(pid, m, a);
            return;
        }
        if (parkedCount < MAX_PARKED) {
            parked.computeIfAbsent(pid, k -> new ArrayDeque<>(2)).addLast(a);
            parkedCount++;
        }
    }

    private void claim(int pid, SessionJob.Member m) {
        Deque<AcctEvent> waiting = parked.get(pid);
        if (waiting == null) {
            return;
        }
        for (Iterator<AcctEvent> i = waiting.iterator(); i.hasNext(); ) {
            AcctEvent a = i.next();
            if (belongs(a, m)) {
                i.remove();
                parkedCount--;
                accounted(pid, m, a);
                break;
            }
        }
        if (waiting.isEmpty()) {
            parked.remove(pid);
        }
    }

    private void accounted(int pid, SessionJob.Member m, AcctEvent a) {
        m.job.account(m, a, pid);
        exited.addLast(new Exited(pid, m, a.time()));
        ending(m.job, a.time());
    }

    private static boolean belongs(AcctEvent a, SessionJob.Member m) {
        long began = a.stats().beginTimeSeconds();
        return a.time().isAfter(m.forked) && (m.adopted || began < 0 || began >= m.forked.getEpochSecond() - 1);
    }

    private void ending(SessionJob job, Instant time) {
        if (job.live() == 0) {
            job.quietSince = time;
            ending.add(job);
        }
    }

    private void loss(LossEvent l) {
        for (SessionJob job : jobs) {
            job.losses.merge(l.channel(), Math.max(1, l.count()), Long::sum);
        }
        lossSeen = true;
        Instant due = l.time().plus(GIVE_UP);
        rescanDue = rescanDue == null || due.isBefore(rescanDue) ? due : rescanDue;
    }

    /**
     * After a loss: members gone from {@code /proc} without their record are given up (counted in
     * {@code unaccounted}); processes whose fork was lost join the job of their session, as {@code /proc} says.
     */
    private void rescan(Instant now) {
        rescanDue = null;
        if (processes == null) {
            return;
        }
        Map<Integer, int[]> running = processes.get();
        for (Iterator<Map.Entry<Integer, SessionJob.Member>> i = members.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<Integer, SessionJob.Member> e = i.next();
            SessionJob.Member m = e.getValue();
            if (m.record == null && !running.containsKey(e.getKey()) && m.forked.plus(GIVE_UP).isBefore(now)) {
                m.job.unaccounted(m);
                ending(m.job, now);
                i.remove();
            }
        }
        Map<Integer, SessionJob> bySid = new HashMap<>();
        for (SessionJob job : jobs) {
            bySid.putIfAbsent(job.sid, job);
        }
        for (Map.Entry<Integer, int[]> p : running.entrySet()) {
            SessionJob job = bySid.get(p.getValue()[1]);
            if (job != null && !members.containsKey(p.getKey())) {
                members.put(p.getKey(), job.join(now, true));
                ending.remove(job);
            }
        }
    }

    @Override
    public void release(Instant now, boolean all, Consumer<Event> out) {
        if (rescanDue != null && !rescanDue.isAfter(now)) {
            rescan(now);
        }
        for (Iterator<SessionJob> i = ending.iterator(); i.hasNext(); ) {
            SessionJob job = i.next();
            if (job.live() == 0 && !job.quietSince.plus(QUIET).isAfter(now)) {
                i.remove();
                jobs.remove(job);
                JobEvent r = job.record(now);
                if (job.members() > 0 && shown(job)) { // none: its only process left to start a session
                    out.accept(r);
                }
            } else if (job.live() > 0) {
                i.remove();
            }
        }
        expireParked(now);
        Instant forget = now.minus(PARK);
        while (!exited.isEmpty() && (all || exited.peekFirst().time().isBefore(forget))) {
            Exited x = exited.removeFirst();
            members.remove(x.pid(), x.member());
        }
        if (untracked > untrackedReported) {
            out.accept(new LossEvent(now, "jobs", untracked - untrackedReported, "sessions began while " + maxJobs
                    + " jobs were followed: each stays in the job it was forked in, not a job of its own"));
            untrackedReported = untracked;
        }
    }

    /** Records whose fork never came: after a loss, a running member's child (by {@code ac_ppid}); else in no job. */
    private void expireParked(Instant now) {
        Instant before = now.minus(PARK);
        for (Iterator<Map.Entry<Integer, Deque<AcctEvent>>> i = parked.entrySet().iterator(); i.hasNext(); ) {
            Deque<AcctEvent> waiting = i.next().getValue();
            if (!waiting.peekFirst().time().isBefore(before)) {
                break; // entries are in the order their first record came: the later ones are not due either
            }
            while (!waiting.isEmpty() && waiting.peekFirst().time().isBefore(before)) {
                AcctEvent a = waiting.removeFirst();
                parkedCount--;
                SessionJob.Member parent = lossSeen ? members.get((int) a.stats().get(TaskstatsField.AC_PPID, -1)) : null;
                if (parent != null && parent.record == null && jobs.contains(parent.job)) {
                    SessionJob.Member m = parent.job.join(a.time(), true);
                    parent.job.account(m, a, (int) a.pid());
                }
            }
            if (waiting.isEmpty()) {
                i.remove();
            }
        }
    }

    private boolean shown(SessionJob job) {
        return (options.uid() == AcctOptions.ANY || job.uid() == options.uid())
                && (options.comm() == null || options.comm().equals(job.comm()));
    }

    @Override
    public Instant nextRelease() {
        Instant due = rescanDue;
        for (SessionJob job : ending) {
            Instant at = job.quietSince.plus(QUIET);
            due = due == null || at.isBefore(due) ? at : due;
        }
        if (!exited.isEmpty()) {
            Instant at = exited.peekFirst().time().plus(PARK);
            due = due == null || at.isBefore(due) ? at : due;
        }
        if (!parked.isEmpty()) {
            Instant at = parked.values().iterator().next().peekFirst().time().plus(PARK);
            due = due == null || at.isBefore(due) ? at : due;
        }
        if (untracked > untrackedReported) {
            due = Instant.EPOCH;
        }
        return due;
    }

    /** Jobs followed now (tests). */
    int followed() {
        return jobs.size();
    }

    List<Integer> sessions() {
        List<Integer> out = new ArrayList<>();
        jobs.forEach(j -> out.add(j.sid));
        return out;
    }
}
