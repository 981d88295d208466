package io.upcall.core.hotplug;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding Upcall's own cgroup v2 directory, and saying why there is none. */
class ProgramCgroupsTest {
    private static final String UNIFIED = "35 25 0:30 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw";
    private static final String V1 = "36 25 0:31 / /sys/fs/cgroup/memory rw,relatime shared:11 - cgroup cgroup rw,memory";

    @Test
    void findsItsCgroupBelowTheV2MountOfAHybridSystem() {
        Path own = ProgramCgroups.ownCgroup(List.of(V1, UNIFIED), List.of("4:memory:/x", "0::/system.slice/upcall.service"));
        assertThat(own).isEqualTo(Path.of("/sys/fs/cgroup/unified/system.slice/upcall.service"));
    }

    @Test
    void findsItsCgroupWhenTheMountIsASubtreeWithEscapedSpaces() {
        String mount = "40 30 0:27 /user.slice /mnt/cg\\040two rw - cgroup2 cgroup2 rw";
        Path own = ProgramCgroups.ownCgroup(List.of(mount), List.of("0::/user.slice/session-3.scope"));
        assertThat(own).isEqualTo(Path.of("/mnt/cg two/session-3.scope"));
        assertThat(ProgramCgroups.ownCgroup(List.of(mount), List.of("0::/system.slice"))).as("not below the mount").isNull();
    }

    @Test
    void saysWhyWithoutAV2Hierarchy(@TempDir Path dir) throws Exception {
        Path mountinfo = Files.writeString(dir.resolve("mountinfo"), V1 + "\n");
        Path cgroup = Files.writeString(dir.resolve("cgroup"), "4:memory:/x\n0::/\n");
        ProgramCgroups.Probe p = ProgramCgroups.probe(mountinfo, cgroup, "t-");
        assertThat(p.cgroups()).isNull();
        assertThat(p.unavailable()).isEqualTo("no cgroup v2 hierarchy is mounted here");
        assertThat(ProgramCgroups.probe(dir.resolve("absent"), cgroup, "t-").unavailable()).startsWith("cannot read ");
    }

    @Test
    void saysWhyItCannotCreateOne(@TempDir Path dir) throws Exception {
        Path mountinfo = Files.writeString(dir.resolve("mountinfo"), "35 25 0:30 / " + dir.resolve("nowhere") + " rw - cgroup2 cgroup2 rw\n");
        Path cgroup = Files.writeString(dir.resolve("cgroup"), "0::/a\n");
        ProgramCgroups.Probe p = ProgramCgroups.probe(mountinfo, cgroup, "t-");
        assertThat(p.cgroups()).isNull();
        assertThat(p.unavailable()).isEqualTo("cannot create a cgroup in " + dir.resolve("nowhere/a")
                + " (no such directory): needs root or a delegated cgroup");
    }

    /** Without cgroups the runner says why, so that the command can warn at start that daemons will escape. */
    @Test
    void aRunnerWithoutCgroupsSaysWhy() {
        ProcessLauncher launcher = new ProcessLauncher(new ProgramCgroups.Probe(null, "no cgroup v2 hierarchy is mounted here"));
        HotplugRunner runner = new HotplugRunner(HotplugRules.of(HotplugRule.builder().run("/bin/true").build()),
                new ActionExecution(launcher, java.time.Instant::now, System::nanoTime, 1), java.time.Instant::now, 10);
        assertThat(runner.uncontained()).isEqualTo("no cgroup v2 hierarchy is mounted here");
    }
}
