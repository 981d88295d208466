package io.upcall.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard against the running kernel: marks only a temporary directory, opens and execs from child processes
 * (the guard lets its own process through), and every wait bounded. Needs root (CAP_SYS_ADMIN); skips otherwise.
 */
class GuardKernelIT {
    @TempDir
    Path dir;

    private Guard guard(GuardPolicy policy, Duration deadline, Verdict onTimeout) {
        return Guard.of(new GuardOptions(List.of(dir), false, deadline, onTimeout), policy);
    }

    private Guard guard(List<GuardRule> rules, Verdict byDefault) {
        return guard(GuardRules.of(rules, byDefault), GuardOptions.DEFAULT_DEADLINE, Verdict.ALLOW);
    }

    @Test
    @Timeout(60)
    void aDenyOpenRuleFailsTheOpenWithEpermAndOthersPass() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "s");
        Path plain = Files.writeString(dir.resolve("plain"), "p");
        try (GuardTesting t = GuardTesting.start(guard(List.of(GuardRule.ofPath(Verdict.DENY, Operation.OPEN, "*/secret")),
                Verdict.ALLOW))) {
            GuardTesting.Run denied = GuardTesting.run("cat", secret.toString());
            assertThat(denied.status()).isEqualTo(1);
            assertThat(denied.err()).contains("Operation not permitted");
            GuardTesting.Run allowed = GuardTesting.run("cat", plain.toString());
            assertThat(allowed.status()).as(allowed.err()).isZero();

            AccessEvent deny = t.await(a -> a.process().pid() == denied.pid());
            assertThat(deny.verdict()).isEqualTo(Verdict.DENY);
            assertThat(deny.operation()).isEqualTo(Operation.OPEN);
            assertThat(deny.rule()).isEqualTo("deny-open */secret");
            assertThat(deny.path()).isEqualTo(secret.toRealPath().toString());
            assertThat(deny.timedOut()).isFalse();
            AccessEvent allow = t.await(a -> a.process().pid() == allowed.pid());
            assertThat(allow.verdict()).isEqualTo(Verdict.ALLOW);
            assertThat(allow.rule()).isEqualTo("default");
        }
    }

    @Test
    @Timeout(60)
    void aDenyExecRuleFailsExecveWithEpermWhileAnotherCopyRuns() throws Exception {
        Path evil = GuardTesting.copyOfTrue(dir, "evil");
        Path good = GuardTesting.copyOfTrue(dir, "good");
        try (GuardTesting t = GuardTesting.start(guard(List.of(GuardRule.ofPath(Verdict.DENY, Operation.EXEC, "*/evil"),
                GuardRule.ofPath(Verdict.ALLOW, Operation.EXEC, "*/good")), Verdict.ALLOW))) {
            assertThatThrownBy(() -> new ProcessBuilder(evil.toString()).start().waitFor())
                    .isInstanceOf(IOException.class).hasMessageContaining("Operation not permitted");
            assertThat(GuardTesting.run(good.toString()).status()).isZero();

            AccessEvent deny = t.await(a -> a.path() != null && a.path().endsWith("/evil"));
            assertThat(deny.operation()).isEqualTo(Operation.EXEC);
            assertThat(deny.verdict()).isEqualTo(Verdict.DENY);
            assertThat(deny.rule()).isEqualTo("deny-exec */evil");
            // The kernel asks about an exec twice: FAN_OPEN_EXEC_PERM, then (if allowed) FAN_OPEN_PERM for the open.
            // Denied at the first, the second never comes.
            assertThat(t.accesses()).filteredOn(a -> a.path() != null && a.path().endsWith("/evil"))
                    .extracting(AccessEvent::operation).containsExactly(Operation.EXEC);
            AccessEvent allow = t.await(a -> a.path() != null && a.path().endsWith("/good") && a.operation() == Operation.EXEC);
            assertThat(allow.verdict()).isEqualTo(Verdict.ALLOW);
            assertThat(allow.rule()).isEqualTo("allow-exec */good");
        }
    }

    @Test
    @Timeout(60)
    void theDefaultVerdictDecidesWhatNoRuleMatches() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "f");
        try (GuardTesting t = GuardTesting.start(guard(List.of(), Verdict.DENY))) {
            GuardTesting.Run r = GuardTesting.run("cat", file.toString());
            assertThat(r.status()).isEqualTo(1);
            AccessEvent e = t.await(a -> a.process().pid() == r.pid());
            assertThat(e.rule()).isEqualTo("default");
            // No rule needs the path, so the answer comes before the readlink: the stream still names the file.
            assertThat(e.path()).isEqualTo(file.toRealPath().toString());
        }
        // A uid condition: only root's opens match; this test's children are root, so they are denied by it.
        try (GuardTesting t = GuardTesting.start(guard(List.of(GuardRule.parse("deny open uid=0 path=*/f")), Verdict.ALLOW))) {
            GuardTesting.Run r = GuardTesting.run("cat", file.toString());
            assertThat(r.status()).isEqualTo(1);
            AccessEvent e = t.await(a -> a.process().pid() == r.pid());
            assertThat(e.rule()).isEqualTo("deny open uid=0 path=*/f");
            assertThat(e.process().uid()).isZero();
            assertThat(e.process().exe()).endsWith("/cat");
        }
    }

    @Test
    @Timeout(60)
    void aStalledPolicyIsOverruledWithTheOnTimeoutVerdictWithinTheDeadline() throws Exception {
        Path file = Files.writeString(dir.resolve("slow"), "x");
        CountDownLatch never = new CountDownLatch(1);
        GuardPolicy stalls = request -> {
            try {
                never.await(); // until the test ends: longer than any deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Decision(Verdict.ALLOW, "too late");
        };
        Duration deadline = Duration.ofMillis(200);
        try (GuardTesting t = GuardTesting.start(guard(stalls, deadline, Verdict.DENY))) {
            GuardTesting.Run first = GuardTesting.run("cat", file.toString());
            GuardTesting.Run second = GuardTesting.run("cat", file.toString());
            assertThat(first.status()).isEqualTo(1);
            assertThat(second.status()).isEqualTo(1);
            for (GuardTesting.Run r : List.of(first, second)) {
                AccessEvent e = t.await(a -> a.process().pid() == r.pid());
                assertThat(e.timedOut()).isTrue();
                assertThat(e.rule()).isEqualTo("timeout");
                assertThat(e.verdict()).isEqualTo(Verdict.DENY);
                // Answered before the deadline, measured from when the guard read the event, within 50 ms of slack.
                assertThat(e.latencyMicros()).as("µs; watchdog real-time: %s", t.guard.watchdogRealtime())
                        .isLessThanOrEqualTo(deadline.toNanos() / 1_000 + 50_000);
            }
        } finally {
            never.countDown();
        }
    }

    @Test
    @Timeout(60)
    void theGuardsOwnAccessesPassAtOnceEvenWhenEverythingIsDenied() throws Exception {
        Path file = Files.writeString(dir.resolve("own"), "mine");
        try (GuardTesting t = GuardTesting.start(guard(request -> new Decision(Verdict.DENY, "all"), Duration.ofSeconds(30),
                Verdict.DENY))) {
            long start = System.nanoTime();
            assertThat(Files.readString(file)).isEqualTo("mine");
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms, far below the 30 s deadline").isLessThan(10_000);
            assertThat(t.guard.selfAnswered()).isPositive();
            assertThat(t.accesses()).isEmpty();
        }
    }

    @Test
    @Timeout(60)
    void closingRemovesTheMarks() throws Exception {
        Path file = Files.writeString(dir.resolve("after"), "a");
        String inode = "ino:" + Long.toHexString((Long) Files.getAttribute(file, "unix:ino")) + " ";
        String dirInode = "ino:" + Long.toHexString((Long) Files.getAttribute(dir, "unix:ino")) + " ";
        GuardTesting t = GuardTesting.start(guard(List.of(), Verdict.DENY));
        assertThat(marksOn(dirInode)).as("the directory's mark while guarding").isPositive();
        assertThat(GuardTesting.run("cat", file.toString()).status()).isEqualTo(1);
        t.close();
        t.close();
        assertThat(marksOn(dirInode)).as("marks on the directory after close").isZero();
        assertThat(marksOn(inode)).isZero();
        assertThat(GuardTesting.run("cat", file.toString()).status()).as("no longer intercepted").isZero();
    }

    @Test
    @Timeout(60)
    void aPolicyThatThrowsGetsTheOnTimeoutVerdictOnEitherThread() throws Exception {
        Path file = Files.writeString(dir.resolve("bug"), "b");
        for (boolean mayBlock : new boolean[] {true, false}) {
            GuardPolicy throwing = new GuardPolicy() {
                @Override
                public Decision decide(AccessRequest request) {
                    throw new IllegalStateException("a bug in the policy");
                }

                @Override
                public boolean mayBlock() {
                    return mayBlock;
                }
            };
            try (GuardTesting t = GuardTesting.start(guard(throwing, GuardOptions.DEFAULT_DEADLINE, Verdict.DENY))) {
                GuardTesting.Run r = GuardTesting.run("cat", file.toString());
                assertThat(r.status()).as("mayBlock=%s", mayBlock).isEqualTo(1);
                AccessEvent e = t.await(a -> a.process().pid() == r.pid());
                assertThat(e.rule()).isEqualTo("error");
                assertThat(e.timedOut()).isTrue();
                // The guard goes on: the next open is decided as well.
                GuardTesting.Run again = GuardTesting.run("cat", file.toString());
                assertThat(t.await(a -> a.process().pid() == again.pid()).rule()).isEqualTo("error");
            }
        }
    }

    /** fanotify marks on the inode whose {@code ino:HEX } is given, over every fd of this process. */
    private static long marksOn(String ino) throws IOException {
        long n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fdinfo"))) {
            for (Path fd : fds) {
                try {
                    n += Files.readAllLines(fd).stream().filter(l -> l.startsWith("fanotify " + ino)).count();
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }
}
