package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command as an ordinary user (nobody, through setpriv) meets what it may not do: one message with
 * the reason and what to do, not one per device, not the path alone, not the same warning twice. Root starts it;
 * skips otherwise.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AsNobodyCliKernelIT {
    private static final Path JAR = Path.of("target/upcall.jar");
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    private Path jar;

    @BeforeEach
    void copyTheJarForNobody() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR.toAbsolutePath());
        assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"), "needs root to become nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to act as another user");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = Files.copy(JAR, dir.resolve("upcall.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private Child.Result asNobody(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return Child.run(new ProcessBuilder(cmd).directory(dir.toFile()), 60);
    }

    @Test
    void triggerSaysOnceThatItNeedsRoot() throws Exception {
        Child.Result r = asNobody("devices", "trigger");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("upcall: devices trigger needs root: it writes to each device's uevent file")
                .contains("is not writable for this user", "sudo");
    }

    @Test
    void aRecordingWhereNobodyMayWriteSaysWhy() throws Exception {
        Child.Result r = asNobody("record", "/upcall-test-" + ProcessHandle.current().pid() + ".pcapng", "--duration", "1");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(": permission denied; choose a file in a directory you may write to")
                .doesNotContain("Exception");
    }

    @Test
    void anUnreadableRulesFileSaysPermissionDenied() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
        Files.setPosixFilePermissions(rules, PosixFilePermissions.fromString("rw-------"));
        Child.Result r = asNobody("devices", "--rules", rules.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("upcall: cannot read " + rules + ": permission denied; run as a user who may read it, "
                + "or make it readable\n");
    }

    @Test
    void monitorWarnsOnceAboutTheBufferInTheUnitsOfRcvbuf() throws Exception {
        // Not Files.readString: on a sysctl it reads only the first digit (see Sysctl in upcall-core).
        long rmemMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core/rmem_max")).getFirst().strip());
        assumeTrue(rmemMax < 8 << 20, "net.core.rmem_max (" + rmemMax + ") lets nobody have the default 8 MiB: no warning");
        Child.Result r = asNobody("monitor", "--duration", "1", "--json");
        assertThat(r.status()).as(r.err()).isZero();
        List<String> warnings = r.err().lines().filter(l -> l.startsWith("upcall: warning: receive buffer")).toList();
        assertThat(warnings).as(r.err()).hasSize(1);
        assertThat(warnings.getFirst()).startsWith("upcall: warning: receive buffer is " + rmemMax + " bytes, not the "
                + (8 << 20) + " asked for");
    }
}
