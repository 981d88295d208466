package io.upcall.core.acct;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.core.procfs.ProcFs;
import io.upcall.protocol.cnproc.ProcEvent;
import io.upcall.protocol.taskstats.TaskStats;
import io.upcall.protocol.taskstats.Taskstats;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A job per session, from injected proc events (fork, sid) and exit records, as the acct stage sees them. */
class SessionJobsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:10Z");

    /** What /proc says: pid to {parent, session}. */
    private final Map<Integer, int[]> proc = new HashMap<>();
    private final List<Event> shown = new ArrayList<>();
    private SessionJobs jobs = jobs(AcctOptions.defaults().withJobs(AcctOptions.Jobs.WITH), 100);

    private SessionJobs jobs(AcctOptions options, int max) {
        SessionJobs j = new SessionJobs(options, null, max, () -> Map.copyOf(proc));
        j.clock = () -> T0; // /proc is read at the start of the events below
        return j;
    }

    private static Instant at(int ms) {
        return T0.plusMillis(ms);
    }

    private void in(Event e) {
        Event out = jobs.process(e);
        if (out != null && !(out instanceof ProcessEvent)) {
            shown.add(out);
        }
    }

    private void fork(int ms, int parent, int child) {
        in(new ProcessEvent(at(ms), new ProcEvent.Fork(0, 0, 0, parent, parent, child, child), null));
    }

    private void setsid(int ms, int pid) {
        in(new ProcessEvent(at(ms), new ProcEvent.Sid(0, 0, 0, pid, pid), null));
    }

    private void exit(int ms, int pid, String comm, long uid, long writeBytes) {
        TaskstatsField[] fields = TaskstatsField.values();
        long[] v = new long[fields.length];
        boolean[] has = new boolean[fields.length];
        Arrays.fill(has, true);
        has[TaskstatsField.AC_ETIME.ordinal()] = false;
        v[TaskstatsField.AC_PID.ordinal()] = pid;
        v[TaskstatsField.AC_TGID.ordinal()] = pid;
        v[TaskstatsField.AC_PPID.ordinal()] = 1;
        v[TaskstatsField.AC_UID.ordinal()] = uid;
        v[TaskstatsField.AC_FLAG.ordinal()] = Taskstats.AGROUP;
        v[TaskstatsField.AC_BTIME64.ordinal()] = at(ms).getEpochSecond();
        v[TaskstatsField.AC_UTIME.ordinal()] = 1000;
        v[TaskstatsField.WRITE_BYTES.ordinal()] = writeBytes;
        in(new AcctEvent(at(ms), AcctEvent.EXIT, TaskStats.of(16, comm, v, has), 1));
    }

    private void exit(int ms, int pid, String comm) {
        exit(ms, pid, comm, 0, 0);
    }

    /** The stage's release at {@code ms}: what falls due goes out, as the pipeline does after a batch. */
    private void tick(int ms) {
        jobs.release(at(ms), false, shown::add);
    }

    private List<JobEvent> jobRecords() {
        return shown.stream().filter(e -> e instanceof JobEvent).map(e -> (JobEvent) e).toList();
    }

    private List<AcctEvent> exitRecords() {
        return shown.stream().filter(e -> e instanceof AcctEvent).map(e -> (AcctEvent) e).toList();
    }

    @Test
    void aSessionIsAJobOfItsLeaderAndEveryDescendantEndingWithTheLast() {
        proc.put(500, new int[] {1, 500}); // a login shell, seeded
        fork(1, 500, 10);
        setsid(2, 10);                     // setsid(1) became the leader of session 10
        fork(3, 10, 11);
        fork(4, 10, 12);
        fork(5, 12, 13);
        exit(6, 11, "true");
        exit(7, 13, "true");
        exit(8, 12, "sh", 0, 4096);
        exit(9, 10, "sh");
        tick(100);
        assertThat(jobRecords()).as("quiet for less than %s: a late fork may come", SessionJobs.QUIET).isEmpty();
        tick(9 + (int) SessionJobs.QUIET.toMillis());
        assertThat(jobRecords()).hasSize(1);
        JobEvent j = jobRecords().getFirst();
        assertThat(j.session()).isEqualTo(10);
        assertThat(j.pid()).isEqualTo(10);
        assertThat(j.name()).isEqualTo("sh");
        assertThat(j.processes()).isEqualTo(4);
        assertThat(j.members()).isEqualTo(4);
        assertThat(j.commands()).containsEntry("sh", 2).containsEntry("true", 2);
        assertThat(j.totals().get(TaskstatsField.WRITE_BYTES)).isEqualTo(4096);
        assertThat(j.totals().get(TaskstatsField.AC_UTIME)).isEqualTo(4000);
        assertThat(exitRecords()).as("--jobs: exit records too").hasSize(4);
        assertThat(jobs.sessions()).containsExactly(500); // the login's job goes on
    }

    @Test
    void aNestedSetsidLeavesItsJobAndStartsItsOwn() {
        setsid(1, 10);
        fork(2, 10, 11);
        setsid(3, 11);                     // a daemon detaching: a job of its own, as a new login under CSA
        fork(4, 11, 12);
        exit(5, 10, "sh");
        tick(1000);
        assertThat(jobRecords()).extracting(JobEvent::session).containsExactly(10);
        assertThat(jobRecords().getFirst().members()).isEqualTo(1);
        exit(1100, 12, "worker");
        exit(1200, 11, "daemon");
        tick(2000);
        assertThat(jobRecords()).extracting(JobEvent::session).containsExactly(10, 11);
        assertThat(jobRecords().get(1).commands()).containsOnlyKeys("daemon", "worker");
        assertThat(jobRecords().get(1).name()).isEqualTo("daemon");
    }

    @Test
    void aJobWhoseOnlyProcessLeftForASessionOfItsOwnMakesNoRecord() {
        proc.put(21, new int[] {1, 20});   // session 20's leader is gone; 21 is its last process
        fork(1, 21, 22);                   // seeds session 20 with 21; 22 joins it
        exit(2, 22, "true");
        setsid(3, 21);                     // 21 leaves for a session of its own: 20's job keeps only 22
        exit(4, 21, "daemon");
        tick(1000);
        assertThat(jobRecords()).extracting(JobEvent::session).containsExactlyInAnyOrder(20, 21);
        proc.clear();
        proc.put(31, new int[] {1, 30});
        shown.clear();
        jobs = jobs(AcctOptions.defaults().withJobs(AcctOptions.Jobs.ONLY), 100);
        setsid(5, 31);                     // seeds session 30 with 31 alone, which leaves it at once
        exit(6, 31, "daemon");
        tick(2000);
        assertThat(jobRecords()).as("session 30 had no member left: no empty record").extracting(JobEvent::session)
                .containsExactly(31);
    }

    @Test
    void aLateForkKeepsTheJobOpenAndJoinsIt() {
        setsid(1, 10);
        exit(5, 11, "true");               // the child's record overtook its fork (two channels)
        exit(6, 10, "sh");                 // the leader's too: the job looks ended
        fork(2, 10, 11);                   // the fork, kernel time 2 ms, processed later
        tick(1000);
        assertThat(jobRecords()).hasSize(1);
        assertThat(jobRecords().getFirst().processes()).isEqualTo(2);
    }

    @Test
    void aForkByAMemberWhoseRecordCameFirstStillJoins() {
        setsid(1, 10);
        exit(4, 10, "sh");                 // the parent ended; its fork of 11 (at 3 ms) is still on its way
        fork(3, 10, 11);
        exit(8, 11, "sleep");
        tick(1000);
        assertThat(jobRecords()).hasSize(1);
        assertThat(jobRecords().getFirst().commands()).containsOnlyKeys("sh", "sleep");
    }

    @Test
    void jobsOnlyFiltersByTheLeadersUserAndCommand() {
        jobs = jobs(new AcctOptions(1000, "make", false, 0, AcctOptions.Jobs.ONLY), 100);
        setsid(1, 10);
        fork(2, 10, 11);
        setsid(3, 20);
        fork(4, 20, 21);
        setsid(5, 30);
        exit(6, 11, "cc", 0, 0);           // a member of another user's: counted in the job all the same
        exit(7, 10, "make", 1000, 0);
        exit(8, 21, "cc", 1000, 0);
        exit(9, 20, "make", 0, 0);         // root's make: not shown
        exit(10, 30, "bash", 1000, 0);     // alice's bash: not shown
        tick(1000);
        assertThat(exitRecords()).as("--jobs-only").isEmpty();
        assertThat(jobRecords()).extracting(JobEvent::session).containsExactly(10);
        assertThat(jobRecords().getFirst().processes()).isEqualTo(2);
    }

    @Test
    void exitRecordsStillFollowTheUserAndCommandWithJobs() {
        jobs = jobs(new AcctOptions(AcctOptions.ANY, "true", false, 0, AcctOptions.Jobs.WITH), 100);
        setsid(1, 10);
        fork(2, 10, 11);
        exit(3, 11, "true");
        exit(4, 10, "sh");
        tick(1000);
        assertThat(exitRecords()).extracting(a -> a.stats().comm()).containsExactly("true");
        assertThat(jobRecords()).isEmpty(); // its leader is sh
    }

    @Test
    void pastTheBoundANewSessionStaysInItsJobAndIsReportedAsLoss() {
        jobs = jobs(AcctOptions.defaults().withJobs(AcctOptions.Jobs.ONLY), 2);
        setsid(1, 10);
        setsid(2, 20);
        fork(3, 20, 21);
        setsid(4, 21);                     // a third job would be one too many
        fork(5, 21, 22);
        setsid(6, 22);
        assertThat(jobs.nextRelease()).as("the loss is due at once").isNotNull();
        tick(7);
        List<LossEvent> losses = shown.stream().filter(e -> e instanceof LossEvent).map(e -> (LossEvent) e).toList();
        assertThat(losses).hasSize(1);
        assertThat(losses.getFirst().channel()).isEqualTo("jobs");
        assertThat(losses.getFirst().count()).isEqualTo(2);
        assertThat(jobs.followed()).isEqualTo(2);
        exit(8, 22, "b");
        exit(9, 21, "a");
        exit(10, 20, "sh");
        tick(1000);
        assertThat(jobRecords()).extracting(JobEvent::session).containsExactly(20);
        assertThat(jobRecords().getFirst().processes()).as("the untracked sessions' figures are in it").isEqualTo(3);
        assertThat(shown.stream().filter(e -> e instanceof LossEvent)).as("reported once").hasSize(1);
    }

    @Test
    void seededSessionsEndWhenTheirRunningProcessesDoAndKernelThreadsAreNoJob() {
        proc.put(2, new int[] {0, 0});     // kthreadd: session 0
        proc.put(40, new int[] {1, 40});
        proc.put(41, new int[] {40, 40});
        fork(1, 41, 42);                   // the first event seeds
        fork(2, 2, 99);                    // a kernel thread: in no job
        assertThat(jobs.sessions()).containsExactly(40);
        exit(3, 99, "kworker");
        exit(4, 42, "true");
        exit(5, 41, "sleep");
        exit(6, 40, "bash");
        tick(2000);
        assertThat(jobRecords()).hasSize(1);
        assertThat(jobRecords().getFirst().commands()).containsOnlyKeys("bash", "sleep", "true");
    }

    @Test
    void aSessionBegunJustBeforeTheSeedingIsOneJobWhenItsForkAndSidEventsComeLate() {
        proc.put(7, new int[] {1, 7});     // java's session
        proc.put(70, new int[] {7, 70});   // forked by it and setsid() already when /proc is read
        jobs.clock = Instant::now;
        in(new LossEvent(Instant.now().minusSeconds(5), "none", 0, "the first event seeds")); // events of the past
        shown.clear();
        jobs.process(new ProcessEvent(Instant.now().minusSeconds(2), new ProcEvent.Fork(0, 0, 0, 7, 7, 70, 70), null));
        jobs.process(new ProcessEvent(Instant.now().minusSeconds(1), new ProcEvent.Sid(0, 0, 0, 70, 70), null));
        assertThat(jobs.sessions()).containsExactlyInAnyOrder(7, 70);
        Instant end = Instant.now().plusSeconds(1);
        TaskstatsField[] fields = TaskstatsField.values();
        long[] v = new long[fields.length];
        boolean[] has = new boolean[fields.length];
        Arrays.fill(has, true);
        has[TaskstatsField.AC_ETIME.ordinal()] = false;
        v[TaskstatsField.AC_PID.ordinal()] = 70;
        v[TaskstatsField.AC_BTIME64.ordinal()] = -1;
        in(new AcctEvent(end, AcctEvent.EXIT, TaskStats.of(16, "sh", v, has), 1));
        jobs.release(end.plusSeconds(1), false, shown::add);
        assertThat(jobRecords()).hasSize(1);
        assertThat(jobRecords().getFirst().session()).isEqualTo(70);
        assertThat(jobRecords().getFirst().processes()).isEqualTo(1);
        assertThat(jobRecords().getFirst().unaccounted()).isZero();
    }

    @Test
    void aLostRecordIsGivenUpAfterTheRescanAndTheLossIsInTheRecord() {
        setsid(1, 10);
        fork(2, 10, 11);
        proc.put(10, new int[] {1, 10});
        in(new LossEvent(at(3), "acct", LossEvent.UNKNOWN, "ENOBUFS")); // 11's record was among those dropped
        exit(4, 10, "sh");
        tick(1000);
        assertThat(jobRecords()).as("11 may still run").isEmpty();
        tick(3000 + (int) SessionJobs.GIVE_UP.toMillis());  // rescan: 11 is gone from /proc
        tick(6000);
        assertThat(jobRecords()).hasSize(1);
        JobEvent j = jobRecords().getFirst();
        assertThat(j.unaccounted()).isEqualTo(1);
        assertThat(j.losses()).containsEntry("acct", 1L);
        assertThat(j.processes()).isEqualTo(1);
    }

    @Test
    void aPidReusedOutsideTheJobIsNoMember() {
        setsid(1, 10);
        fork(2, 10, 11);
        exit(3, 11, "true");
        fork(4, 77, 11);                   // pid 11 again, a stranger's child
        exit(5, 11, "stranger");
        exit(6, 10, "sh");
        tick(1000);
        assertThat(jobRecords().getFirst().commands()).containsOnlyKeys("sh", "true");
    }

    @Test
    void statLinesWithParenthesesInTheCommandParse() {
        assertThat(ProcFs.parentAndSession("123 (a) b (c)) S 7 123 99 0 -1 4194560")).containsExactly(7, 99);
        assertThat(ProcFs.parentAndSession("garbage")).isNull();
        assertThat(ProcFs.parentAndSession(null)).isNull();
    }
}
