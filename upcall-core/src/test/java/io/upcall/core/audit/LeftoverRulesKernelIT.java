package io.upcall.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.channel.Availability;
import io.upcall.protocol.audit.AuditRule;
import io.upcall.protocol.audit.AuditRuleParser;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rule keyed as Upcall keys its rules, naming a pid that does not run (as if that Upcall was killed): the probe that
 * {@code upcall doctor} prints reports it, with its pid and how to remove it. The rule is removed in a finally.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LeftoverRulesKernelIT {
    @Test
    void doctorReportsARuleLeftBehindByAnUpcallThatNoLongerRuns() throws Exception {
        Availability a = AuditChannel.INSTANCE.probe();
        assumeTrue(a.available(), a.detail());
        assumeTrue(a.detail().contains("auditing"), "cannot read the audit status: " + a.detail());
        long dead = deadPid();
        String key = AuditRuleSession.KEY_PREFIX + dead + "-watch";
        AuditRule rule = AuditRuleParser.parse("-a always,exit -F arch=b64 -S chroot -k mine -k " + key);
        try (AuditControl c = AuditControl.open()) {
            c.addRule(rule);
            try {
                String line = AuditChannel.INSTANCE.probe().detail();
                assertThat(line).contains("left behind by Upcall processes no longer running (", "pid " + dead,
                        "auditctl -D -k " + key);
            } finally {
                c.deleteRule(rule);
            }
            assertThat(c.ruleKeys()).noneMatch(k -> k.contains(key));
        }
        assertThat(AuditChannel.INSTANCE.probe().detail()).doesNotContain("pid " + dead);
    }

    /** A pid no process has now: a child that ran and was reaped, its pid not yet reused (checked). */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long pid = p.pid();
        assumeTrue(!AuditDaemonRole.held(pid), "pid " + pid + " was reused already");
        return pid;
    }
}
