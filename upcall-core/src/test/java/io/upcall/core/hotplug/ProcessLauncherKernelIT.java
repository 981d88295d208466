package io.upcall.core.hotplug;

import static io.upcall.core.hotplug.HotplugRuleTest.uevent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hotplug programs that double-fork, against the real kernel: the grandchild is reparented to init, out of the process
 * tree, yet it ends with its program, because the program runs in a cgroup of its own. Needs root (or a delegated
 * cgroup v2); skips with the reason otherwise.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessLauncherKernelIT {
    private static final long GRACE = TimeUnit.MILLISECONDS.toNanos(300);
    /**
     * Forks a subshell that starts a sleeper in the background, writes its pid to {@code $0} and exits: the sleeper is
     * orphaned. It waits 0.2 s first, so that the fork comes after Upcall moved it into its cgroup (ProcessLauncher says
     * why a fork in the first microseconds is not caught).
     */
    private static final String DOUBLE_FORK = "/bin/sleep 0.2; ( /bin/sleep 30 & echo $! > \"$0.tmp\"; mv \"$0.tmp\" \"$0\" ); ";

    @TempDir
    Path dir;

    private long orphan = -1;

    @AfterEach
    void endTheOrphanIfItEscaped() {
        if (orphan > 0) {
            ProcessHandle.of(orphan).ifPresent(ProcessHandle::destroyForcibly); // ours: started by this test's script
        }
    }

    private ActionEvent run(Duration timeout, String script) {
        ProgramCgroups.Probe probe = ProgramCgroups.probe();
        assumeTrue(probe.cgroups() != null, "programs cannot get a cgroup of their own here: " + probe.unavailable());
        RuleMatcher rule = new RuleMatcher(1, HotplugRule.builder().run("/bin/sh", "-c", script, dir.resolve("orphan").toString())
                .timeout(timeout).build());
        var u = uevent("change", "/devices/virtual/net/lo", "SUBSYSTEM", "net", "SEQNUM", "42");
        return new ActionExecution(new ProcessLauncher(probe), Instant::now, System::nanoTime, GRACE)
                .run(new ActionExecution.Action(rule, u, rule.argv(u), 0));
    }

    /** The orphan's pid, once the script wrote it; and whether it is still alive after a bounded wait for its end. */
    private boolean orphanStillAlive() throws Exception {
        Path file = dir.resolve("orphan");
        assertThat(file).as("the script wrote the orphan's pid").exists();
        orphan = Long.parseLong(Files.readString(file).strip());
        for (int i = 0; i < 100 && ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(20);
        }
        Optional<ProcessHandle> h = ProcessHandle.of(orphan);
        return h.isPresent() && h.get().isAlive();
    }

    @Test
    void aDoubleForkedChildEndsWithAProgramStoppedAtItsTimeout() throws Exception {
        ActionEvent a = run(Duration.ofMillis(600), DOUBLE_FORK + "exec /bin/sleep 30");
        assertThat(a.timedOut()).isTrue();
        assertThat(orphanStillAlive()).as("the orphan outlived its program's timeout").isFalse();
    }

    @Test
    void aDoubleForkedChildEndsWhenItsProgramExits() throws Exception {
        ActionEvent a = run(Duration.ofSeconds(20), DOUBLE_FORK + "exit 0");
        assertThat(a.exitStatus()).as(a.toString()).isZero();
        assertThat(a.succeeded()).isTrue();
        assertThat(orphanStillAlive()).as("the orphan outlived its program, as udev does not let RUN programs do").isFalse();
    }

    @Test
    void theProgramsCgroupIsRemovedAfterwards() throws Exception {
        run(Duration.ofSeconds(20), DOUBLE_FORK + "exit 0");
        Path own = ProgramCgroups.ownCgroup(Files.readAllLines(Path.of("/proc/self/mountinfo")),
                Files.readAllLines(Path.of("/proc/self/cgroup")));
        try (var children = Files.list(own)) {
            assertThat(children.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith("upcall-hotplug-" + ProcessHandle.current().pid() + "-"));
        }
    }

    /** While Upcall closes, its workers are interrupted: NIO would give up on the cgroup's files, leaving it behind. */
    @Test
    void anInterruptedWorkerStillKillsWhatIsLeftAndRemovesTheCgroup() throws Exception {
        ProgramCgroups.Probe probe = ProgramCgroups.probe();
        assumeTrue(probe.cgroups() != null, "programs cannot get a cgroup of their own here: " + probe.unavailable());
        ProgramCgroups.Group group = probe.cgroups().create();
        Process sleeper = new ProcessBuilder("/bin/sleep", "30").start();
        try {
            group.add(sleeper.pid());
            Thread.currentThread().interrupt();
            assertThat(group.close()).as("processes it held").isEqualTo(1);
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
            assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(group.dir()).doesNotExist();
        } finally {
            Thread.interrupted();
            sleeper.destroyForcibly();
        }
    }

    /** An Upcall that died (SIGKILL) left its empty cgroups: the next one removes them. */
    @Test
    void emptyCgroupsOfADeadUpcallAreRemoved() throws Exception {
        ProgramCgroups.Probe first = ProgramCgroups.probe();
        assumeTrue(first.cgroups() != null, "programs cannot get a cgroup of their own here: " + first.unavailable());
        Path own = ProgramCgroups.ownCgroup(Files.readAllLines(Path.of("/proc/self/mountinfo")),
                Files.readAllLines(Path.of("/proc/self/cgroup")));
        // No such pid (above pid_max); a number of its own, so that two runs of this test at once do not collide.
        int n = 1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000_000);
        Path stale = Files.createDirectory(own.resolve("upcall-hotplug-999999999-" + n));
        try {
            ProgramCgroups.probe();
            assertThat(stale).doesNotExist();
        } finally {
            Files.deleteIfExists(stale);
        }
    }
}
