package io.upcall.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.Upcall;
import io.upcall.core.channel.Availability;
import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.protocol.audit.AuditRule;
import io.upcall.protocol.audit.AuditRuleParser;
import io.upcall.protocol.audit.AuditStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12's acceptance case for chroot, on the real kernel: a rule {@code -a always,exit -F arch=b64 -S chroot -k
 * upcall-<random>} added through {@link AuditRuleSession}, a {@code chroot()} into a temporary directory, the event with
 * that key, the syscall, the path and success; then the rule is gone and the enabled flag, rate limit, backlog limit
 * and daemon pid are as before. Each test removes what it added in a finally, also when it fails.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuditRulesKernelIT {
    private static final Path CHROOT = Path.of("/usr/sbin/chroot");

    @BeforeEach
    void needsRootAndAudit() {
        Availability a = AuditChannel.INSTANCE.probe();
        assumeTrue(a.available(), a.detail());
        assumeTrue(a.detail().contains("auditing"), "cannot read the audit status: " + a.detail());
    }

    private static AuditStatus status() throws LinuxException {
        try (AuditControl c = AuditControl.open()) {
            return c.status();
        }
    }

    private static List<String> ruleKeys() throws LinuxException {
        try (AuditControl c = AuditControl.open()) {
            return c.ruleKeys();
        }
    }

    /** Something that makes the kernel run the syscall a rule selects. */
    private interface Action {
        void run() throws Exception;
    }

    /**
     * Listens for events keyed {@code key}, adds {@code rule} (enabling auditing if needed), runs {@code action}, then
     * removes the rule; returns the events seen, after checking that the rule is gone and the status is as before.
     */
    private static List<String> eventsOf(AuditRule rule, String key, Action action) throws Exception {
        AuditStatus before = status();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        try (Upcall upcall = Upcall.builder().source(AuditOptions.defaults().withKeys(Set.of(key)))
                .subscribe((e, end) -> events.add(JsonEventWriter.toJson(e))).start()) {
            try (AuditRuleSession session = AuditRuleSession.open(List.of(rule))) {
                assertThat(ruleKeys()).contains(key);
                assertThat(status().enabled()).isNotZero();
                action.run();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                for (int i = 0; i < 200 && events.isEmpty() && System.nanoTime() < deadline; i++) {
                    Thread.sleep(50);
                }
                assertThat(session.before().enabled()).isEqualTo(before.enabled());
            }
        }
        assertThat(ruleKeys()).doesNotContain(key);
        AuditStatus after = status();
        assertThat(after.enabled()).isEqualTo(before.enabled());
        assertThat(after.rateLimit()).isEqualTo(before.rateLimit());
        assertThat(after.backlogLimit()).isEqualTo(before.backlogLimit());
        assertThat(after.pid()).isEqualTo(before.pid());
        return events;
    }

    private static void runs(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aChrootRuleGivesTheEventAndLeavesNothingBehind() throws Exception {
        assumeTrue(Files.isExecutable(CHROOT), "needs " + CHROOT);
        String key = "upcall-" + UUID.randomUUID().toString().substring(0, 8);
        AuditRule rule = AuditRuleParser.parse("-a always,exit -F arch=b64 -S chroot -k " + key);
        Path jail = Files.createTempDirectory("upcall-jail");
        List<String> events;
        try {
            events = eventsOf(rule, key, () -> runs(CHROOT.toString(), jail.toString(), "/upcall-nothing-here"));
        } finally {
            Files.deleteIfExists(jail);
        }
        assertThat(events).hasSize(1);
        assertThat(events.getFirst()).contains("\"type\":\"syscall\"", "\"syscall\":\"chroot\"", "\"arch\":\"x86_64\"",
                "\"success\":true", "\"key\":\"" + key + "\"", "\"name\":\"" + jail + "\"");
    }

    @Test
    void anFchmodatSettingSetuidIsNamed() throws Exception {
        Path chmod = Path.of("/bin/chmod");
        assumeTrue(Files.isExecutable(chmod), "needs " + chmod);
        String key = "upcall-" + UUID.randomUUID().toString().substring(0, 8);
        AuditRule rule = AuditRuleParser.parse("-a always,exit -F arch=b64 -S fchmodat -k " + key);
        Path file = Files.createTempFile("upcall-setuid", "");
        List<String> events;
        try {
            events = eventsOf(rule, key, () -> runs(chmod.toString(), "4755", file.toString()));
        } finally {
            Files.deleteIfExists(file);
        }
        assertThat(events).hasSize(1);
        assertThat(events.getFirst()).contains("\"success\":true", "\"key\":\"" + key + "\"",
                "\"mode\":{\"octal\":\"4755\",\"setuid\":true", "\"name\":\"" + file + "\"");
    }

    @Test
    void aWatchRuleIsAcceptedAndRemoved() throws Exception {
        String key = "upcall-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = Files.createTempDirectory("upcall-watch");
        try {
            AuditRule watch = AuditRuleParser.parse("-w " + dir + " -p wa -k " + key);
            try (AuditRuleSession session = AuditRuleSession.open(List.of(watch))) {
                assertThat(ruleKeys()).contains(key);
            }
            assertThat(ruleKeys()).doesNotContain(key);
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aRuleTheKernelRefusesUndoesWhatCameBefore() throws Exception {
        String key = "upcall-" + UUID.randomUUID().toString().substring(0, 8);
        AuditRule rule = AuditRuleParser.parse("-a always,exit -F arch=b64 -S chroot -k " + key);
        AuditStatus before = status();
        // The same rule twice: the kernel refuses the second (EEXIST); the first must not stay behind.
        assertThatThrownBy(() -> AuditRuleSession.open(List.of(rule, rule))).isInstanceOf(LinuxException.class)
                .satisfies(e -> assertThat(((LinuxException) e).errno()).isEqualTo(Errno.EEXIST));
        assertThat(ruleKeys()).doesNotContain(key);
        assertThat(status().enabled()).isEqualTo(before.enabled());
    }

    @Test
    void deletingARuleTheKernelDoesNotHaveIsRefused() throws Exception {
        AuditRule rule = AuditRuleParser.parse("-a always,exit -F arch=b64 -S chroot -k upcall-" + UUID.randomUUID());
        try (AuditControl c = AuditControl.open()) {
            assertThatThrownBy(() -> c.deleteRule(rule)).isInstanceOf(LinuxException.class)
                    .hasMessageContaining("AUDIT_DEL_RULE");
        }
    }
}
