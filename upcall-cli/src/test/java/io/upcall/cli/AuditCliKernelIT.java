package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.audit.AuditControl;
import io.upcall.linux.NetlinkSocket;
import io.upcall.protocol.audit.AuditStatus;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code upcall audit watch --rule} with the packaged jar: the rule is in the kernel while it runs and gone after it,
 * with the enabled flag as before, however it ends (SIGINT, SIGTERM, a rule the kernel refuses); as nobody it is
 * refused and changes nothing. Keys are random; a failing test still leaves nothing behind (the jar removes its rules).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AuditCliKernelIT {
    private static final Path JAR = Path.of("target/upcall.jar");

    @TempDir
    Path dir;

    @BeforeEach
    void needsRootAndTheJar() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR.toAbsolutePath());
        assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"), "needs root");
    }

    private static ProcessBuilder upcall(List<String> prefix, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-jar", JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(new File("."));
    }

    private static AuditStatus status() throws Exception {
        try (AuditControl c = AuditControl.open()) {
            return c.status();
        }
    }

    private static List<String> ruleKeys() throws Exception {
        try (AuditControl c = AuditControl.open()) {
            return c.ruleKeys();
        }
    }

    /** Whether a rule in the kernel has {@code key} among its keys (Upcall adds upcall-PID-watch beside it). */
    private static boolean hasKey(String key) throws Exception {
        return ruleKeys().stream().anyMatch(k -> List.of(k.split("\u0001")).contains(key));
    }

    private static String key() {
        return "upcall-cli-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void theRuleIsThereWhileItRunsAndGoneAfterASignal(String signal) throws Exception {
        String key = key();
        AuditStatus before = status();
        Path err = dir.resolve("err.txt");
        Process watch = upcall(List.of("env", "--default-signal=INT,TERM"), "audit", "watch", "--json", "--rule",
                "-a always,exit -F arch=b64 -S chroot -k " + key).redirectError(err.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean present = false;
            for (int i = 0; i < 300 && !present && watch.isAlive() && System.nanoTime() < deadline; i++) {
                present = hasKey(key);
                Thread.sleep(100);
            }
            assertThat(present).as("rule in the kernel while watch runs; it said: %s", Files.readString(err)).isTrue();
            new ProcessBuilder("kill", "-" + signal, Long.toString(watch.pid())).start().waitFor(5, TimeUnit.SECONDS);
            assertThat(watch.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            watch.destroy(); // SIGTERM: the jar removes its rule on it too
            watch.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(watch.exitValue()).as(Files.readString(err)).isZero();
        assertThat(hasKey(key)).isFalse();
        assertThat(status().enabled()).isEqualTo(before.enabled());
    }

    @Test
    void enableAndDisableSetTheFlagAndSayWhatItWas() throws Exception {
        AuditStatus before = status();
        try {
            Child.Result on = Child.run(upcall(List.of(), "audit", "enable"), 60);
            assertThat(on.status()).as(on.err()).isZero();
            assertThat(on.out()).startsWith("auditing enabled");
            assertThat(status().enabled()).isEqualTo(1);
            Child.Result off = Child.run(upcall(List.of(), "audit", "disable"), 60);
            assertThat(off.status()).as(off.err()).isZero();
            assertThat(off.out()).isEqualTo("auditing disabled (enabled was 1)\n");
            assertThat(status().enabled()).isZero();
        } finally {
            try (AuditControl c = AuditControl.open()) {
                c.set(AuditStatus.setEnabled(before.enabled()));
            }
        }
    }

    @Test
    void aRuleTheKernelRefusesEndsTheRunAndLeavesNothing() throws Exception {
        String key = key();
        AuditStatus before = status();
        String rule = "-a always,exit -F arch=b64 -S chroot -k " + key;
        Child.Result r = Child.run(upcall(List.of(), "audit", "watch", "--duration", "20", "--rule", rule, "--rule", rule), 60);
        assertThat(r.status()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("upcall: cannot add the audit rules: AUDIT_ADD_RULE(NETLINK_AUDIT)", "EEXIST")
                .doesNotContain("Exception");
        assertThat(hasKey(key)).isFalse();
        assertThat(status().enabled()).isEqualTo(before.enabled());
    }

    @Test
    void asNobodyItIsRefusedAndChangesNothing() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to act as another user");
        String key = key();
        AuditStatus before = status();
        Path jar = Files.copy(JAR, dir.resolve("upcall.jar"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(jar, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "audit", "watch", "--duration", "5", "--rule",
                "-a always,exit -F arch=b64 -S chroot -k " + key));
        Child.Result r = Child.run(new ProcessBuilder(cmd).directory(dir.toFile()), 60);
        assertThat(r.status()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("upcall: cannot").doesNotContain("Exception");
        assertThat(hasKey(key)).isFalse();
        assertThat(status().enabled()).isEqualTo(before.enabled());
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void asTheDaemonItHoldsTheRoleWhileItRunsAndGivesItBackOnASignal(String signal) throws Exception {
        AuditStatus before = status();
        assumeTrue(before.pid() == 0, "another audit daemon holds the role (pid " + before.pid() + ")");
        Path err = dir.resolve("err.txt");
        Process watch = upcall(List.of("env", "--default-signal=INT,TERM"), "audit", "watch", "--daemon", "--json")
                .redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean held = false;
            for (int i = 0; i < 300 && !held && watch.isAlive() && System.nanoTime() < deadline; i++) {
                held = status().pid() == watch.pid();
                Thread.sleep(100);
            }
            assertThat(held).as("the daemon role while watch --daemon runs; it said: %s", Files.readString(err)).isTrue();
            new ProcessBuilder("kill", "-" + signal, Long.toString(watch.pid())).start().waitFor(5, TimeUnit.SECONDS);
            assertThat(watch.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            watch.destroy();
            watch.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(watch.exitValue()).as(Files.readString(err)).isZero();
        assertThat(status().pid()).as("the role given back").isZero();
    }

    @Test
    void asTheDaemonItIsRefusedWhileAnotherHoldsTheRoleNamingIt() throws Exception {
        assumeTrue(status().pid() == 0, "another audit daemon holds the role");
        long self = ProcessHandle.current().pid();
        try (NetlinkSocket other = NetlinkSocket.open(NetlinkSocket.NETLINK_AUDIT);
                AuditControl control = AuditControl.open()) {
            other.bind(0);
            // This test's own socket is the "other daemon": the kernel takes a pid only from its own process.
            try {
                other.send(new AuditStatus(AuditStatus.AUDIT_STATUS_PID, 0, 0, self, 0, 0, 0, 0, 0, 0, 0).setRequest(1));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                for (int i = 0; i < 100 && control.status().pid() != self && System.nanoTime() < deadline; i++) {
                    Thread.sleep(50);
                }
                assertThat(control.status().pid()).isEqualTo(self);
                Child.Result r = Child.run(upcall(List.of(), "audit", "watch", "--daemon", "--duration", "20"), 60);
                assertThat(r.status()).as(r.err()).isEqualTo(1);
                assertThat(r.err()).contains("pid " + self + " (java) holds the audit daemon role", "EEXIST")
                        .doesNotContain("Exception");
                assertThat(control.status().pid()).as("the other daemon keeps it").isEqualTo(self);
            } finally {
                control.set(new AuditStatus(AuditStatus.AUDIT_STATUS_PID, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            }
            assertThat(control.status().pid()).isZero();
        }
    }
}
