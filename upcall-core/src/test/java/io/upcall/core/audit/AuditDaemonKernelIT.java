package io.upcall.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.Upcall;
import io.upcall.core.channel.Availability;
import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
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
 * The audit daemon role on the real kernel: taken only when nobody holds it, records received unicast (their
 * {@code nlmsg_len} mended), given back at close; refused, naming the holder, when a socket of this test holds it as
 * "another daemon". Skips when another daemon (auditd) holds the role already: these tests never take it from one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuditDaemonKernelIT {
    @BeforeEach
    void needsRootAndAFreeRole() throws LinuxException {
        Availability a = AuditChannel.INSTANCE.probe();
        assumeTrue(a.available(), a.detail());
        assumeTrue(a.detail().contains("auditing"), "cannot read the audit status: " + a.detail());
        assumeTrue(!AuditDaemonRole.held(status().pid()), "another audit daemon holds the role: " + a.detail());
    }

    private static AuditStatus status() throws LinuxException {
        try (AuditControl c = AuditControl.open()) {
            return c.status();
        }
    }

    @Test
    void asTheDaemonItReceivesTheRecordsAndGivesTheRoleBack() throws Exception {
        AuditStatus before = status();
        String key = "upcall-" + UUID.randomUUID().toString().substring(0, 8);
        Path jail = Files.createTempDirectory("upcall-daemon");
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        try (Upcall upcall = Upcall.builder().source(AuditOptions.defaults().withKeys(Set.of(key)).withDaemon(true))
                .subscribe((e, end) -> {
                    String json = JsonEventWriter.toJson(e);
                    if (!json.contains("\"type\":\"config_change\"")) { // adding and removing the rule carry its key too
                        events.add(json);
                    }
                }).start()) {
            assertThat(status().pid()).as("this process is the audit daemon").isEqualTo(NetlinkSocket.getpid());
            try (AuditRuleSession rules = AuditRuleSession.open(List.of(
                    AuditRuleParser.parse("-a always,exit -F arch=b64 -S chroot -k " + key)))) {
                Process p = new ProcessBuilder("/usr/sbin/chroot", jail.toString(), "/upcall-nothing-here")
                        .redirectErrorStream(true).start();
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                for (int i = 0; i < 200 && events.isEmpty() && System.nanoTime() < deadline; i++) {
                    Thread.sleep(50);
                }
            }
        } finally {
            Files.deleteIfExists(jail);
        }
        assertThat(status().pid()).as("the role given back").isEqualTo(before.pid());
        assertThat(events).hasSize(1);
        assertThat(events.getFirst()).contains("\"syscall\":\"chroot\"", "\"key\":\"" + key + "\"")
                .doesNotContain("malformed");
    }

    @Test
    void whileAnotherDaemonHoldsTheRoleItRefusesNamingItAndLeavesItBe() throws Exception {
        int self = NetlinkSocket.getpid();
        try (NetlinkSocket other = NetlinkSocket.open(NetlinkSocket.NETLINK_AUDIT);
                AuditControl control = AuditControl.open()) {
            other.bind(0);
            try {
                try (AuditControl registering = AuditControl.over(other)) {
                    registering.set(new AuditStatus(AuditStatus.AUDIT_STATUS_PID, 0, 0, self, 0, 0, 0, 0, 0, 0, 0));
                }
                assertThat(control.status().pid()).isEqualTo(self);
                assertThatThrownBy(() -> Upcall.builder().source(AuditOptions.defaults().withDaemon(true)).start().close())
                        .isInstanceOfSatisfying(LinuxException.class, e -> {
                            assertThat(e.errno()).isEqualTo(Errno.EEXIST);
                            assertThat(e.getMessage()).contains("pid " + self + " (java)");
                        });
                assertThat(control.status().pid()).as("the other daemon keeps the role").isEqualTo(self);
            } finally {
                control.set(new AuditStatus(AuditStatus.AUDIT_STATUS_PID, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            }
            assertThat(control.status().pid()).isZero();
        }
    }
}
