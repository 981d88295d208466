package io.upcall.core.hotplug;

import static io.upcall.core.hotplug.HotplugRuleTest.uevent;
import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.netlink.KernelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real programs: argv and environment exactly as given, the exit status, and a timeout that really stops them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessLauncherTest {
    private static final long GRACE = TimeUnit.MILLISECONDS.toNanos(300);

    @TempDir
    Path dir;

    private static ActionEvent run(Duration timeout, String... argv) {
        RuleMatcher rule = new RuleMatcher(1, HotplugRule.builder().run(argv).timeout(timeout).build());
        var u = uevent("change", "/devices/virtual/net/lo", "SUBSYSTEM", "net", "SEQNUM", "42", "INTERFACE", "lo");
        return new ActionExecution(new ProcessLauncher(), Instant::now, System::nanoTime, GRACE)
                .run(new ActionExecution.Action(rule, u, rule.argv(u), 0));
    }

    @Test
    void runsArgvWithoutAShellInTheUeventsEnvironmentAndReportsTheStatus() throws Exception {
        Path out = dir.resolve("out");
        ActionEvent a = run(Duration.ofSeconds(20), "/bin/sh", "-c", "{ printf '%s\\n' \"$0\" \"$1\"; env; } > \"$1\"; exit 3",
                "a $word", out.toString());
        assertThat(a.exitStatus()).isEqualTo(3);
        assertThat(a.timedOut()).isFalse();
        assertThat(a.pid()).isPositive();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.subList(0, 2)).containsExactly("a $word", out.toString());
        assertThat(lines).contains("ACTION=change", "DEVPATH=/devices/virtual/net/lo", "SUBSYSTEM=net", "SEQNUM=42",
                "INTERFACE=lo", "HOME=/").noneMatch(l -> l.startsWith("JAVA_HOME=") || l.startsWith("MAVEN"));
    }

    /** Linux 6.15+ says through a pidfd how a reaped child ended; before, Java's 128+N is all there is. */
    static final boolean KERNEL_SAYS_HOW_IT_ENDED = KernelVersion.running().atLeast(6, 15);

    @Test
    void aProgramPastItsTimeoutIsStoppedWithSigterm() {
        ActionEvent a = run(Duration.ofMillis(200), "/bin/sleep", "30");
        assertThat(a.timedOut()).isTrue();
        if (KERNEL_SAYS_HOW_IT_ENDED) {
            assertThat(a.signal()).isEqualTo("SIGTERM");
            assertThat(a.exitStatus()).isEqualTo(ActionEvent.NONE);
        } else {
            assertThat(a.signal()).isNull();
            assertThat(a.exitStatus()).isEqualTo(128 + 15);
        }
    }

    /** Issue 10: {@code exit 143} on SIGTERM was reported as death by SIGTERM; only the kernel's wait status says which. */
    @Test
    void aProgramThatExits143OnSigtermExitedItWasNotKilled() {
        ActionEvent a = run(Duration.ofMillis(300), "/bin/sh", "-c", "trap 'exit 143' TERM; /bin/sleep 30 & wait");
        assertThat(a.timedOut()).isTrue();
        assertThat(a.signal()).isNull();
        assertThat(a.exitStatus()).isEqualTo(143);
    }

    @Test
    void aProgramThatIgnoresSigtermIsKilledAndSoAreItsChildren() throws Exception {
        Path pid = dir.resolve("child.pid");
        ActionEvent a = run(Duration.ofMillis(300), "/bin/sh", "-c",
                "trap '' TERM; /bin/sleep 30 & echo $! > \"$0\"; while :; do /bin/sleep 0.05; done", pid.toString());
        assertThat(a.timedOut()).isTrue();
        assertThat(a.signal()).isEqualTo("SIGKILL");
        long child = Long.parseLong(Files.readString(pid).strip());
        // The background child was signalled too; wait (bounded) for it to be gone.
        for (int i = 0; i < 100 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aMissingProgramIsAnErrorNotAnException() {
        ActionEvent a = run(Duration.ofSeconds(5), "/nonexistent/hook");
        assertThat(a.error()).startsWith("cannot start: ");
        assertThat(a.pid()).isEqualTo(ActionEvent.NONE);
    }
}
