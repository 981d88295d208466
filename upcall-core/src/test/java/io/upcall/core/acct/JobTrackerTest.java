package io.upcall.core.acct;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.event.LossEvent;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.protocol.cnproc.ProcEvent;
import io.upcall.protocol.taskstats.TaskStats;
import io.upcall.protocol.taskstats.Taskstats;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Job membership by fork lineage, with reused pids and records that overtake their forks. */
class JobTrackerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:10Z");
    private static final int SELF = 1000;

    /** What a rescan finds in /proc: pid to parent pid. */
    private final Map<Integer, Integer> proc = new HashMap<>();
    private final JobTracker job = new JobTracker("test", List.of("sh"), SELF, () -> Map.copyOf(proc));

    private static Instant at(int ms) {
        return T0.plusMillis(ms);
    }

    private void fork(int ms, int parent, int child) {
        job.onEvent(new ProcessEvent(at(ms), new ProcEvent.Fork(0, 0, 0, parent, parent, child, child), null), true);
    }

    private void exit(int ms, int pid, String comm, long writeBytes) {
        exit(ms, pid, 1, comm, writeBytes);
    }

    private void exit(int ms, int pid, int ppid, String comm, long writeBytes) {
        TaskstatsField[] fields = TaskstatsField.values();
        long[] v = new long[fields.length];
        boolean[] has = new boolean[fields.length];
        java.util.Arrays.fill(has, true);
        has[TaskstatsField.AC_ETIME.ordinal()] = false; // a member then lasts until its record came
        v[TaskstatsField.AC_PID.ordinal()] = pid;
        v[TaskstatsField.AC_TGID.ordinal()] = pid;
        v[TaskstatsField.AC_PPID.ordinal()] = ppid;
        v[TaskstatsField.AC_FLAG.ordinal()] = Taskstats.AGROUP;
        v[TaskstatsField.AC_BTIME64.ordinal()] = at(ms).getEpochSecond(); // began shortly before it ended
        v[TaskstatsField.AC_UTIME.ordinal()] = 1000;
        v[TaskstatsField.WRITE_BYTES.ordinal()] = writeBytes;
        job.onEvent(new AcctEvent(at(ms), AcctEvent.EXIT, TaskStats.of(16, comm, v, has), 1), true);
    }

    @Test
    void descendantsThroughADoubleForkAreMembersAndTheJobEndsWithTheLast() {
        job.root(10, at(0));
        fork(1, 10, 11);      // the subshell
        fork(2, 11, 12);      // setsid's child, soon an orphan
        exit(3, 11, "sh", 0); // the subshell ends; 12 is reparented to init, still ours
        exit(4, 10, "sh", 0);
        assertThat(job.ended(0)).isFalse();
        exit(9, 12, "dd", 20 << 20);
        assertThat(job.ended(0)).isTrue();
        JobEvent r = job.record(at(10));
        assertThat(r.processes()).isEqualTo(3);
        assertThat(r.totals().get(TaskstatsField.WRITE_BYTES)).isEqualTo(20 << 20);
        assertThat(r.totals().get(TaskstatsField.AC_UTIME)).isEqualTo(3000);
        assertThat(r.commands()).containsEntry("sh", 2).containsEntry("dd", 1);
        assertThat(r.peak()).isEqualTo(3); // at 2 ms: the first process, the subshell and the orphan
    }

    @Test
    void aReusedPidJoinsNeitherTheJobNorItsRecords() {
        job.root(10, at(0));
        fork(1, 10, 11);
        exit(2, 11, "true", 0);
        fork(3, 77, 11);      // pid 11 given to a process outside the job
        fork(4, 11, 12);      // ... whose child is not ours
        exit(5, 11, "stranger", 0);
        exit(6, 12, "stranger", 0);
        exit(7, 10, "sh", 0);
        assertThat(job.ended(0)).isTrue();
        assertThat(job.record(at(8)).commands()).containsOnlyKeys("sh", "true");
        assertThat(job.record(at(8)).peak()).isEqualTo(2);
    }

    @Test
    void aRecordThatOvertakesItsForkIsMatchedWhenTheForkComes() {
        job.root(10, at(0));
        exit(5, 11, "true", 0);       // the acct channel was quicker
        fork(1, 10, 11);              // the fork, kernel time 1 ms, processed later
        exit(6, 10, "sh", 0);
        assertThat(job.ended(0)).isTrue();
        assertThat(job.record(at(7)).processes()).isEqualTo(2);
    }

    @Test
    void aRecordFromBeforeTheForkIsAnEarlierHoldersOfThePid() {
        job.root(10, at(0));
        exit(1, 11, "old", 0);        // pid 11's previous holder ended before our fork
        fork(2, 10, 11);
        exit(3, 10, "sh", 0);
        assertThat(job.ended(0)).isFalse();
        exit(4, 11, "true", 0);
        assertThat(job.record(at(5)).commands()).containsOnlyKeys("sh", "true");
    }

    @Test
    void forksBeforeTheRootWasNamedCount() {
        fork(1, 10, 11);              // the first process forked before root() was called
        fork(2, SELF, 10);            // the starter's own fork of it, seen late: no pid reuse
        job.root(10, at(0));
        exit(3, 11, "true", 0);
        exit(4, 10, "sh", 0);
        assertThat(job.ended(0)).isTrue();
        assertThat(job.record(at(5)).processes()).isEqualTo(2);
    }

    @Test
    void lossIsCarriedIntoTheRecord() {
        job.root(10, at(0));
        job.onEvent(new LossEvent(at(1), "proc", 3, "ENOBUFS"), true);
        exit(2, 10, "sh", 0);
        assertThat(job.record(at(3)).losses()).containsEntry("proc", 3L);
    }

    private void loss(int ms, String channel) {
        job.onEvent(new LossEvent(at(ms), channel, LossEvent.UNKNOWN, "ENOBUFS"), true);
    }

    @Test
    void aChildWhoseForkWasLostIsFoundRunningByTheRescan() {
        job.root(10, at(0));
        fork(1, 10, 11);
        proc.putAll(Map.of(10, 1, 11, 10, 12, 11, 13, 12, 50, 1, 51, 50)); // 12 and 13 forked while forks were lost
        loss(5, "proc");
        exit(6, 13, "cc1", 0);
        exit(7, 12, "cc", 0);
        exit(8, 11, "make", 0);
        exit(9, 51, "stranger", 0);
        exit(10, 10, "sh", 0);
        assertThat(job.ended(0)).isTrue();
        JobEvent r = job.record(at(11));
        assertThat(r.commands()).containsOnlyKeys("sh", "make", "cc", "cc1");
        assertThat(r.processes()).isEqualTo(4);
        assertThat(r.losses()).containsKey("proc");
        assertThat(r.unaccounted()).isZero();
    }

    @Test
    void aChildWhoseForkWasLostAndThatEndedIsClaimedThroughItsRecordsParent() {
        job.root(10, at(0));
        exit(2, 15, 14, "true", 0);       // a grandchild, forked and ended during the loss: its parent 14 unknown yet
        loss(3, "proc");
        exit(4, 14, 10, "sh", 0);         // its parent, child of the first process: both are ours
        exit(5, 16, 99, "stranger", 0);   // a parent outside the job
        exit(6, 10, "sh", 0);
        assertThat(job.ended(0)).isTrue();
        assertThat(job.record(at(7)).processes()).isEqualTo(3);
        assertThat(job.record(at(7)).commands()).containsOnlyKeys("sh", "true");
    }

    @Test
    void withoutLossARecordIsNotClaimedByItsParentAlone() {
        job.root(10, at(0));
        exit(2, 14, 10, "sh", 0);         // waits for its fork, which may still be on its way
        exit(3, 10, "sh", 0);
        assertThat(job.record(at(4)).processes()).isEqualTo(1);
        fork(1, 10, 14);
        assertThat(job.record(at(5)).processes()).isEqualTo(2);
    }

    @Test
    void aForkThatComesAfterTheRescanFoundItsChildAddsNoSecondMember() {
        job.root(10, at(0));
        proc.putAll(Map.of(10, 1, 11, 10));
        loss(2, "upcall");                // Upcall's own queue dropped events: the fork below was only late
        fork(1, 10, 11);
        exit(3, 11, "true", 0);
        exit(4, 10, "sh", 0);
        assertThat(job.ended(0)).isTrue();
        assertThat(job.record(at(5)).members()).isEqualTo(2);
        assertThat(job.record(at(5)).processes()).isEqualTo(2);
    }

    @Test
    void afterLossAMemberGoneWithoutItsRecordIsGivenUpAndCounted() {
        job.giveUpAfter(0);
        job.root(10, at(0));
        fork(1, 10, 11);
        proc.putAll(Map.of(10, 1, 11, 10));
        loss(2, "acct");                  // 11's exit record was among those dropped
        exit(3, 10, "sh", 0);
        assertThat(job.ended(0)).as("11 still runs").isFalse();
        proc.remove(11);
        assertThat(job.ended(0)).isTrue();
        JobEvent r = job.record(at(4));
        assertThat(r.unaccounted()).isEqualTo(1);
        assertThat(r.members()).isEqualTo(2);
        assertThat(r.processes()).isEqualTo(1);
    }

    @Test
    void withoutLossAMemberWithoutItsRecordKeepsTheJobOpen() {
        job.giveUpAfter(0);
        job.root(10, at(0));
        fork(1, 10, 11);
        exit(3, 10, "sh", 0);
        assertThat(job.ended(0)).isFalse();
    }

    @Test
    void aFirstProcessWhoseRecordCameBeforeItWasNamedCounts() {
        exit(5, 10, "sh", 0);             // ended at once: its record was in before the starter named it
        job.root(10, at(0));              // named with the time taken before it was started
        assertThat(job.ended(0)).isTrue();
        assertThat(job.record(at(6)).commands()).containsOnlyKeys("sh");
    }

    @Test
    void aTakenOverMembersPidForkedAgainLaterByTheJobIsANewMember() {
        job.adopt(10, at(0), List.of(10, 11));
        exit(100, 11, "old", 0);
        fork(3000, 10, 11);               // seconds later the pid comes round again, to a child of the job's
        exit(3100, 11, "new", 0);
        exit(3200, 10, "sh", 0);
        assertThat(job.ended(0)).isTrue();
        assertThat(job.record(at(3300)).commands()).containsOnlyKeys("sh", "old", "new");
    }

    @Test
    void aLossBeforeTheFirstProcessWasNamedIsRescannedOnceItIs() {
        proc.putAll(Map.of(10, 1, 11, 10));
        loss(0, "proc");
        job.root(10, at(0));
        exit(2, 11, "true", 0);           // its fork was among those lost
        exit(3, 10, "sh", 0);
        assertThat(job.ended(0)).isTrue();
        assertThat(job.record(at(4)).commands()).containsOnlyKeys("sh", "true");
    }
}
