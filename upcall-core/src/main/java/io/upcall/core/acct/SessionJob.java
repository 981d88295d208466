package io.upcall.core.acct;

import io.upcall.protocol.taskstats.TaskstatsField;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/** One session's job in {@link SessionJobs}: its members by fork lineage, and their exit records summed so far. */
final class SessionJob {
    /** A member: a pid from its fork (or from when it was found running) on, and its exit record once matched. */
    static final class Member {
        final SessionJob job;
        final Instant forked;
        /** Found running ({@code /proc}), not by its fork: any record after {@link #forked} is its own. */
        final boolean adopted;
        AcctEvent record;

        Member(SessionJob job, Instant forked, boolean adopted) {
            this.job = job;
            this.forked = forked;
            this.adopted = adopted;
        }
    }

    final int sid;
    final Instant started;
    final Map<String, Long> losses = new TreeMap<>();
    /** When its last member's record came (or it left): the job ends {@link SessionJobs#QUIET} later, unless it forks. */
    Instant quietSince;
    private final ThreadFold sum = new ThreadFold();
    private final Map<String, Integer> commands = new TreeMap<>();
    private int members;
    private int live;
    private int peak;
    private int threads;
    private int unaccounted;
    private int exitCode = -1;
    private AcctEvent leader;
    private AcctEvent first;
    /**
     * When accounted members ended, by their fork and elapsed time ({@code ac_etime}), not by when their record came
     * (which lags by the channels' batching): those still alive at a later fork count toward the peak, as in
     * {@link JobTracker}'s.
     */
    private final PriorityQueue<Instant> ends = new PriorityQueue<>();

    SessionJob(int sid, Instant started) {
        this.sid = sid;
        this.started = started;
    }

    Member join(Instant time, boolean adopted) {
        members++;
        live++;
        while (!ends.isEmpty() && !ends.peek().isAfter(time)) {
            ends.poll();
        }
        peak = Math.max(peak, live + ends.size());
        return new Member(this, time, adopted);
    }

    /** A member that called {@code setsid()}: from now on another job's, its record summed there. */
    void leave(Member m) {
        members--;
        live--;
    }

    /** A member ended without its record reaching Upcall (lost): counted, not summed. */
    void unaccounted(Member m) {
        live--;
        unaccounted++;
    }

    void account(Member m, AcctEvent a, int pid) {
        m.record = a;
        live--;
        long ran = a.stats().get(TaskstatsField.AC_ETIME, -1);
        ends.add(ran >= 0 && !m.adopted ? m.forked.plusNanos(ran * 1000) : a.time());
        sum.add(a.stats(), sid);
        threads += a.threads();
        commands.merge(a.stats().comm() == null ? "?" : a.stats().comm(), 1, Integer::sum);
        first = first == null ? a : first;
        if (pid == sid) {
            leader = a;
            exitCode = a.stats().has(TaskstatsField.AC_EXITCODE) ? a.exitCode() : -1;
        }
    }

    /** Members known, those that left by {@code setsid()} not counted. */
    int members() {
        return members;
    }

    int live() {
        return live;
    }

    /** The leader's record; a member's when the leader's did not come (it ended before the stream began). */
    private AcctEvent who() {
        return leader != null ? leader : first;
    }

    long uid() {
        return who() == null ? -1 : who().uid();
    }

    String comm() {
        return who() == null ? null : who().stats().comm();
    }

    JobEvent record(Instant now) {
        String name = comm() == null ? "session " + sid : comm();
        return new JobEvent(now, name, sid, List.of(), started, sum.count(), members, threads, peak, commands, sum.totals(),
                exitCode, losses, unaccounted, null, sid);
    }
}
