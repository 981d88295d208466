package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.audit.AuditControl;
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
                present = ruleKeys().contains(key);
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
        assertThat(ruleKeys()).doesNotContain(key);
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
        assertThat(ruleKeys()).doesNotContain(key);
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
        assertThat(ruleKeys()).doesNotContain(key);
        assertThat(status().enabled()).isEqualTo(before.enabled());
    }
}
