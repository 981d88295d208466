package io.upcall.core.acct;

import static io.upcall.protocol.taskstats.TaskstatsField.*;

import io.upcall.protocol.taskstats.TaskStats;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.util.EnumSet;
import java.util.Set;

/**
 * The records of one thread group's threads, summed into the group's. The kernel's own {@code AGGR_TGID} sums only
 * some figures (CPU times, delays, switches; not faults, memory or I/O) and carries no identity, so the group's
 * record is built from the threads' {@code AGGR_PID} records instead: counters add up, high-water marks and delay
 * maxima take the largest, delay minima the smallest seen, and who the process was (command, ids, start, exit) comes
 * from its leader's record, or from the last thread's when the leader's was not seen.
 */
final class ThreadFold {
    /** Who the process was: taken from one record, not summed. */
    private static final Set<TaskstatsField> IDENTITY = EnumSet.of(AC_EXITCODE, AC_FLAG, AC_NICE, AC_SCHED, AC_UID, AC_GID,
            AC_PID, AC_PPID, AC_BTIME, AC_BTIME64, AC_TGID, AC_TGETIME, AC_EXE_DEV, AC_EXE_INODE, AC_ETIME);
    private static final Set<TaskstatsField> LARGEST = EnumSet.of(HIWATER_RSS, HIWATER_VM, CPU_DELAY_MAX, BLKIO_DELAY_MAX,
            SWAPIN_DELAY_MAX, FREEPAGES_DELAY_MAX, THRASHING_DELAY_MAX, COMPACT_DELAY_MAX, WPCOPY_DELAY_MAX, IRQ_DELAY_MAX);
    private static final Set<TaskstatsField> SMALLEST = EnumSet.of(CPU_DELAY_MIN, BLKIO_DELAY_MIN, SWAPIN_DELAY_MIN,
            FREEPAGES_DELAY_MIN, THRASHING_DELAY_MIN, COMPACT_DELAY_MIN, WPCOPY_DELAY_MIN, IRQ_DELAY_MIN);
    private static final TaskstatsField[] FIELDS = TaskstatsField.values();

    private final long[] sums = new long[FIELDS.length];
    private final boolean[] present = new boolean[FIELDS.length];
    private TaskStats leader;
    private int threads;

    /** Adds one thread's record; {@code tgid} is its group's. */
    void add(TaskStats thread, long tgid) {
        threads++;
        if (thread.get(AC_PID, -1) == tgid) {
            leader = thread;
        }
        for (TaskstatsField f : FIELDS) {
            if (!thread.has(f)) {
                continue;
            }
            int i = f.ordinal();
            long v = thread.get(f);
            if (LARGEST.contains(f)) {
                sums[i] = Math.max(sums[i], v);
            } else if (SMALLEST.contains(f)) {
                // 0 means no sample was taken, not a delay of 0 ns.
                sums[i] = sums[i] == 0 ? v : v == 0 ? sums[i] : Math.min(sums[i], v);
            } else if (!IDENTITY.contains(f)) {
                sums[i] += v;
            }
            present[i] = true;
        }
    }

    /** Records added so far. */
    int count() {
        return threads;
    }

    /** The summed figures so far (identity fields absent): what a job's record reports. */
    TaskStats totals() {
        boolean[] summed = present.clone();
        for (TaskstatsField f : IDENTITY) {
            summed[f.ordinal()] = false;
        }
        return TaskStats.of(leader == null ? 0 : leader.version(), null, sums, summed);
    }

    /**
     * The group's record when {@code leader}, its leader's, is its only one: what {@link #finish} makes of a single
     * record, without summing (the record itself, its elapsed time the group's).
     */
    static TaskStats alone(TaskStats leader) {
        if (!leader.has(AC_TGETIME) || leader.get(AC_TGETIME) == leader.get(AC_ETIME)) {
            return leader;
        }
        long[] values = leader.values();
        values[AC_ETIME.ordinal()] = leader.get(AC_TGETIME);
        return TaskStats.of(leader.version(), leader.comm(), values, leader.present());
    }

    /** The group's record, with {@code last}, the record that ended the group, added. */
    AcctEvent finish(TaskStats last, long tgid, java.time.Instant time) {
        add(last, tgid);
        TaskStats who = leader != null ? leader : last;
        long[] values = sums.clone();
        for (TaskstatsField f : IDENTITY) {
            values[f.ordinal()] = who.get(f);
            present[f.ordinal()] = who.has(f);
        }
        // How the group ended, and its whole wall time, are the last thread's to tell.
        for (TaskstatsField f : new TaskstatsField[] {AC_EXITCODE, AC_FLAG, AC_TGETIME}) {
            values[f.ordinal()] = last.get(f);
            present[f.ordinal()] = last.has(f);
        }
        values[AC_PID.ordinal()] = tgid;
        values[AC_ETIME.ordinal()] = last.has(AC_TGETIME) ? last.get(AC_TGETIME) : who.get(AC_ETIME);
        return new AcctEvent(time, AcctEvent.EXIT, TaskStats.of(last.version(), who.comm(), values, present), threads);
    }
}
