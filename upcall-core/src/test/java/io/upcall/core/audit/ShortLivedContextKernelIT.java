package io.upcall.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.KernelTests;
import io.upcall.core.Upcall;
import io.upcall.core.channel.Availability;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.core.proc.ProcOptions;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.core.proc.ProcessInfo;
import io.upcall.protocol.audit.AuditRuleParser;
import io.upcall.protocol.audit.AuditStatus;
import io.upcall.protocol.cnproc.ProcEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12's acceptance measure for short-lived processes: a shell starts {@value #CHILDREN} {@code /bin/true} children as
 * fast as it can; the exec events of those children are counted, and those that carry the program ({@code exe} and the
 * command line). With the proc connector alone, a child often exits before {@code /proc} is read; with audit in the
 * stream and an execve rule (keyed {@code upcall-PID-exec}, removed after), every one of them must. Only this test's
 * children are counted (forks of its shell), so other work on the machine does not matter.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ShortLivedContextKernelIT {
    static final int CHILDREN = 1000;

    @BeforeEach
    void needsRootProcAndAudit() {
        KernelTests.assumeProcConnector();
        Availability a = AuditChannel.INSTANCE.probe();
        assumeTrue(a.available(), a.detail());
        assumeTrue(a.detail().contains("auditing"), "cannot read the audit status: " + a.detail());
    }

    /** Every fork and exec seen; the storm's children are picked out at the end, once the shell's pid is known. */
    private static final class Seen {
        final List<int[]> forks = new ArrayList<>();
        final List<ProcessEvent> execs = new ArrayList<>();
        final List<String> losses = new ArrayList<>();
        final List<long[]> witnesses = new ArrayList<>();

        synchronized void onEvent(Event e) {
            if (e instanceof AuditEvent a && a.execTgid() > 0) {
                witnesses.add(new long[] {a.execTgid(), Duration.between(a.time(), Instant.now()).toMillis()});
            }
            if (e instanceof LossEvent l) {
                losses.add(l.channel() + ": " + l.count() + " " + l.reason());
            } else if (e instanceof ProcessEvent pe && pe.kernel() instanceof ProcEvent.Fork f && !f.thread()) {
                forks.add(new int[] {f.parentTgid(), f.childTgid()});
            } else if (e instanceof ProcessEvent pe && pe.kernel() instanceof ProcEvent.Exec) {
                execs.add(pe);
            }
        }

        /** The exec events of {@code shell}'s children. */
        synchronized List<ProcessInfo> childExecs(int shell) {
            Set<Integer> children = new HashSet<>();
            for (int[] f : forks) {
                if (f[0] == shell) {
                    children.add(f[1]);
                }
            }
            List<ProcessInfo> out = new ArrayList<>();
            for (ProcessEvent e : execs) {
                if (children.contains(e.kernel().subjectTgid())) {
                    out.add(e.process());
                }
            }
            return out;
        }
    }

    /** The result of one storm: the children's exec events, and those carrying the program. */
    record Result(int execs, long withProgram, long fromAudit, List<String> losses, List<ProcessInfo> examples,
            long stormMillis) {}

    /** Runs the storm under {@code builder}'s stream, with the execve rule when {@code audit}; checks the state after. */
    static Result storm(Upcall.Builder builder, boolean audit) throws Exception {
        Seen seen = new Seen();
        AuditStatus before = status();
        String key = AuditRuleSession.key("exec");
        int shell;
        long stormNanos;
        try (Upcall upcall = builder.subscribe((e, end) -> seen.onEvent(e)).start()) {
            AuditRuleSession rules = audit ? AuditRuleSession.open(List.of(
                    AuditRuleParser.parse("-a always,exit -F arch=b64 -S execve -k " + key))) : null;
            try {
                long start = System.nanoTime();
                Process sh = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt " + CHILDREN
                        + " ]; do /bin/true & i=$((i+1)); done; wait").redirectErrorStream(true).start();
                shell = (int) sh.pid();
                assertThat(sh.waitFor(120, TimeUnit.SECONDS)).as("the storm ends").isTrue();
                stormNanos = System.nanoTime() - start;
                // Wait (bounded) until every child's exec event came out of the stream.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (int i = 0; i < 400 && seen.childExecs(shell).size() < CHILDREN && System.nanoTime() < deadline; i++) {
                    Thread.sleep(50);
                }
            } finally {
                if (rules != null) {
                    rules.close();
                }
            }
        }
        try (AuditControl c = AuditControl.open()) {
            assertThat(c.ruleKeys()).noneMatch(k -> k.contains(key));
            AuditStatus after = c.status();
            assertThat(after.enabled()).isEqualTo(before.enabled());
            assertThat(after.pid()).isEqualTo(before.pid());
        }
        List<ProcessInfo> execs = seen.childExecs(shell);
        long withProgram = execs.stream().filter(p -> p != null && p.exe() != null && p.exe().endsWith("/true")
                && "/bin/true".equals(p.cmdline())).count();
        long fromAudit = execs.stream().filter(p -> p != null && ProcessInfo.FROM_AUDIT.equals(p.context())).count();
        synchronized (seen) {
            Set<Integer> kids = new HashSet<>();
            for (int[] f : seen.forks) {
                if (f[0] == shell) {
                    kids.add(f[1]);
                }
            }
            long n = seen.witnesses.stream().filter(w -> kids.contains((int) w[0])).count();
            long max = seen.witnesses.stream().filter(w -> kids.contains((int) w[0])).mapToLong(w -> w[1]).max().orElse(-1);
            // How far audit's records lagged behind (record time to delivery): why exec events wait for them.
            System.out.println("audit exec records of the children: " + n + ", delivered at most " + max + " ms after "
                    + "their time");
        }
        List<ProcessInfo> lacking = execs.stream().filter(p -> p == null || p.exe() == null || !p.exe().endsWith("/true")
                || !"/bin/true".equals(p.cmdline())).limit(3).toList();
        return new Result(execs.size(), withProgram, fromAudit, List.copyOf(seen.losses), lacking,
                TimeUnit.NANOSECONDS.toMillis(stormNanos));
    }

    private static AuditStatus status() throws Exception {
        try (AuditControl c = AuditControl.open()) {
            return c.status();
        }
    }

    @Test
    void everyShortLivedChildKeepsItsProgramWithAudit() throws Exception {
        Result without = storm(Upcall.builder().source(ProcOptions.defaults()), false);
        Result with = storm(Upcall.builder()
                .source(ProcOptions.defaults().withExecWitnessWait(ProcOptions.DEFAULT_WITNESS_WAIT))
                .source(AuditOptions.defaults()), true);
        System.out.printf("short-lived context, %d /bin/true children: without audit %d of %d exec events carry exe and "
                + "argv (storm %d ms); with audit %d of %d, %d filled in from audit (storm %d ms)%n", CHILDREN,
                without.withProgram(), without.execs(), without.stormMillis(), with.withProgram(), with.execs(),
                with.fromAudit(), with.stormMillis());
        System.out.println("with audit, examples lacking the program: " + with.examples());
        assertThat(with.losses()).as("no loss, or the count would not be the join's").isEmpty();
        assertThat(with.execs()).isEqualTo(CHILDREN);
        assertThat(with.withProgram()).isEqualTo(CHILDREN);
    }
}
