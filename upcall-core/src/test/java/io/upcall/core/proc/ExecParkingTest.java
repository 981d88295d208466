package io.upcall.core.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.channel.ExecWitness;
import io.upcall.core.event.Event;
import io.upcall.core.procfs.ProcFs;
import io.upcall.core.procfs.UserNames;
import io.upcall.protocol.cnproc.ProcEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exec events of processes gone from a fake {@code /proc} before they were read, joined with exec witnesses (what audit's
 * records give): parked, filled in, released in order; never dropped; bounded by count and by time (the time is the
 * test's, given to release).
 */
class ExecParkingTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final Duration WAIT = Duration.ofMillis(500);

    @TempDir
    Path root;

    private ProcessEnricher enricher;

    /** What an audit event of a successful execve says. */
    private record Witness(int execTgid, String execExe, List<String> execArgv, String execCwd, String execComm,
            Instant time) implements ExecWitness, Event {
        Witness(int tgid) {
            this(tgid, "/usr/bin/true", List.of("/bin/true", "x"), "/tmp", "true", T0);
        }

        @Override
        public String source() {
            return "audit";
        }

        @Override
        public String type() {
            return "syscall";
        }

        @Override
        public void writeJsonFields(io.upcall.core.json.JsonBuffer out) {}

        @Override
        public io.upcall.core.event.TableRow tableRow() {
            return null;
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        Path proc = root.resolve("proc");
        Path dir = proc.resolve("100");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("stat"), "100 (bash) S 1 100 0 0");
        Files.writeString(dir.resolve("comm"), "bash\n");
        Files.writeString(dir.resolve("status"), "Name:\tbash\nUid:\t0\t0\t0\t0\n");
        Files.writeString(dir.resolve("cmdline"), "bash\0");
        Files.createSymbolicLink(dir.resolve("exe"), Path.of("/fake/bin/bash"));
        Path passwd = root.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/sh\n");
        enricher = enricher(WAIT);
    }

    private ProcessEnricher enricher(Duration wait) {
        ProcessTable table = new ProcessTable(new ProcFs(root.resolve("proc")), new UserNames(root.resolve("passwd")));
        return new ProcessEnricher(table, true, false, ProcessEnricher.NONE, ProcessEnricher.NONE, ProcessEnricher.NONE,
                ProcOptions.defaults().kernelMask(), wait);
    }

    private static ProcessEvent ev(ProcEvent k) {
        return new ProcessEvent(T0, k, null);
    }

    private static ProcEvent fork(int parent, int child) {
        return new ProcEvent.Fork(0, 0, 0, parent, parent, child, child);
    }

    private static ProcEvent exec(int pid) {
        return new ProcEvent.Exec(0, 0, 0, pid, pid);
    }

    private static ProcEvent exit(int pid) {
        return new ProcEvent.Exit(0, 0, 0, pid, pid, 0, 17, 100, 100);
    }

    private List<Event> release(Instant now, boolean all) {
        List<Event> out = new ArrayList<>();
        enricher.release(now, all, out::add);
        return out;
    }

    @Test
    void anExecOfAProcessGoneFromProcWaitsForItsWitnessAndTakesItsProgram() {
        assertThat(enricher.process(ev(fork(100, 600)))).isNotNull();
        assertThat(enricher.process(ev(exec(600)))).as("parked").isNull();
        assertThat(enricher.process(ev(exit(600)))).as("behind it, in order").isNull();
        assertThat(release(T0, false)).as("nothing due yet").isEmpty();
        assertThat(enricher.nextRelease()).isEqualTo(T0.plus(WAIT));
        Witness w = new Witness(600);
        assertThat(enricher.process(w)).as("the witness goes on").isSameAs(w);
        List<Event> out = release(T0.plusMillis(3), false);
        assertThat(out).hasSize(2);
        ProcessInfo exec = ((ProcessEvent) out.get(0)).process();
        assertThat(((ProcessEvent) out.get(0)).kernel()).isInstanceOf(ProcEvent.Exec.class);
        assertThat(exec.exe()).isEqualTo("/usr/bin/true");
        assertThat(exec.cmdline()).isEqualTo("/bin/true x");
        assertThat(exec.cwd()).isEqualTo("/tmp");
        assertThat(exec.comm()).isEqualTo("true");
        assertThat(exec.context()).isEqualTo(ProcessInfo.FROM_AUDIT);
        assertThat(((ProcessEvent) out.get(1)).process().exe()).as("the exit too").isEqualTo("/usr/bin/true");
        assertThat(enricher.nextRelease()).isNull();
    }

    @Test
    void withoutAWitnessTheExecGoesOutAtItsDeadlineWithNoContext() {
        enricher.process(ev(fork(100, 600)));
        assertThat(enricher.process(ev(exec(600)))).isNull();
        assertThat(release(T0, false)).isEmpty();
        assertThat(release(T0.plus(WAIT).minusMillis(1), false)).isEmpty();
        List<Event> out = release(T0.plus(WAIT), false);
        assertThat(out).hasSize(1);
        assertThat(((ProcessEvent) out.getFirst()).process().context()).isEqualTo(ProcessInfo.FROM_NONE);
        assertThat(((ProcessEvent) out.getFirst()).process().exe()).isNull();
    }

    @Test
    void aWitnessThatComesFirstFillsTheExecWithoutParkingIt() {
        enricher.process(ev(fork(100, 600)));
        enricher.process(new Witness(600));
        ProcessEvent e = (ProcessEvent) enricher.process(ev(exec(600)));
        assertThat(e).isNotNull();
        assertThat(e.process().context()).isEqualTo(ProcessInfo.FROM_AUDIT);
        assertThat(e.process().exe()).isEqualTo("/usr/bin/true");
    }

    @Test
    void aWitnessOfAnotherTimeIsAnotherProcessThatHadThePid() {
        enricher.process(ev(fork(100, 600)));
        enricher.process(new Witness(600, "/bin/old", List.of("old"), "/", "old", T0.minusSeconds(60)));
        assertThat(enricher.process(ev(exec(600)))).as("parked: the old witness is not this exec's").isNull();
    }

    @Test
    void anExecReadFromProcWaitsForItsWitnessAndStaysProcWhenTheyAgree() {
        assertThat(enricher.process(ev(exec(100)))).as("parked").isNull();
        enricher.process(new Witness(100, "/fake/bin/bash", List.of("bash"), "/", "bash", T0));
        List<Event> out = release(T0, false);
        assertThat(out).hasSize(1);
        ProcessInfo p = ((ProcessEvent) out.getFirst()).process();
        assertThat(p.context()).isEqualTo(ProcessInfo.FROM_PROC);
        assertThat(p.cwd()).isNull();
    }

    @Test
    void aProcReadThatDisagreesWithTheWitnessTakesTheWitnesssProgram() {
        // A read of /proc racing the process's exit gave a piece of its command line: audit's record is the exec's own.
        assertThat(enricher.process(ev(exec(100)))).isNull();
        enricher.process(new Witness(100));
        ProcessInfo p = ((ProcessEvent) release(T0, false).getFirst()).process();
        assertThat(p.context()).isEqualTo(ProcessInfo.FROM_AUDIT);
        assertThat(p.cmdline()).isEqualTo("/bin/true x");
        ProcessEvent exit = (ProcessEvent) enricher.process(ev(exit(100)));
        assertThat(exit.process().exe()).as("the table corrected too").isEqualTo("/usr/bin/true");
    }

    @Test
    void withoutAWaitNothingIsParkedAndALateWitnessStillTeachesTheTable() {
        enricher = enricher(Duration.ZERO);
        enricher.process(ev(fork(100, 600)));
        ProcessEvent e = (ProcessEvent) enricher.process(ev(exec(600)));
        assertThat(e.process().context()).isEqualTo(ProcessInfo.FROM_NONE);
        enricher.process(new Witness(600));
        ProcessEvent exit = (ProcessEvent) enricher.process(ev(exit(600)));
        assertThat(exit.process().exe()).isEqualTo("/usr/bin/true");
        assertThat(exit.process().context()).isEqualTo(ProcessInfo.FROM_AUDIT);
        assertThat(enricher.nextRelease()).isNull();
    }

    @Test
    void pastTheBoundTheOldestGoesOutAsItIsAndTheEndReleasesEverything() {
        int n = ProcessEnricher.MAX_PARKED;
        for (int i = 0; i < n; i++) {
            enricher.process(ev(fork(100, 1000 + i)));
        }
        List<Event> early = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event e = enricher.process(ev(exec(1000 + i)));
            if (e != null) {
                early.add(e);
            }
        }
        assertThat(early).isEmpty();
        Event oldest = enricher.process(ev(exec(99_999)));
        assertThat(oldest).isNotNull();
        assertThat(((ProcessEvent) oldest).kernel().subjectTgid()).isEqualTo(1000);
        List<Event> rest = release(T0, true);
        assertThat(rest).hasSize(n);
        assertThat(((ProcessEvent) rest.getLast()).kernel().subjectTgid()).isEqualTo(99_999);
        assertThat(enricher.nextRelease()).isNull();
    }

    @Test
    void aProcessThatExecsTwiceTakesEachWitnessForItsOwnExec() {
        enricher.process(ev(fork(100, 600)));
        enricher.process(ev(exec(600)));
        enricher.process(ev(exec(600)));
        enricher.process(new Witness(600, "/bin/sh", List.of("sh", "-c", "exec true"), "/", "sh", T0));
        enricher.process(new Witness(600));
        List<Event> out = release(T0, false);
        assertThat(out).hasSize(2);
        assertThat(((ProcessEvent) out.get(0)).process().exe()).isEqualTo("/bin/sh");
        assertThat(((ProcessEvent) out.get(1)).process().exe()).isEqualTo("/usr/bin/true");
    }

    @Test
    void anExecIsGivenUpOnOnceAuditsClockHasGonePastIt() {
        enricher.process(ev(fork(100, 600)));
        assertThat(enricher.process(ev(exec(600)))).isNull();
        assertThat(release(T0, false)).isEmpty();
        // An audit event of another process, younger than the exec by less than the grace: still waiting.
        enricher.process(new Witness(-1, null, null, null, null, T0.plus(ExecParking.GRACE)));
        assertThat(release(T0.plusMillis(1), false)).isEmpty();
        enricher.process(new Witness(-1, null, null, null, null, T0.plus(ExecParking.GRACE).plusMillis(1)));
        List<Event> out = release(T0.plusMillis(2), false);
        assertThat(out).hasSize(1);
        assertThat(((ProcessEvent) out.getFirst()).process().context()).isEqualTo(ProcessInfo.FROM_NONE);
    }

    @Test
    void aWitnessFirstFillsTheExecAlsoWhenTheForkedEntryLackedAProgram() {
        enricher.process(ev(fork(999, 600))); // a parent the table does not know: the child's entry is unknown
        enricher.process(new Witness(600));
        ProcessEvent e = (ProcessEvent) enricher.process(ev(exec(600)));
        assertThat(e).as("not parked").isNotNull();
        assertThat(e.process().exe()).isEqualTo("/usr/bin/true");
        assertThat(e.process().context()).isEqualTo(ProcessInfo.FROM_AUDIT);
    }
}
