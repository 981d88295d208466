package io.upcall.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The rule policy, with openers given instead of read from /proc. */
class GuardRulesTest {
    private static final Opener ALICE = new Opener(42, 1000, 1000, "/usr/bin/bash", "bash");

    private static AccessRequest request(Operation op, String path, Opener who, AtomicInteger reads) {
        return new AccessRequest(op, path, who.pid(), pid -> {
            reads.incrementAndGet();
            return who;
        });
    }

    @Test
    void theFirstMatchingRuleWinsAndTheDefaultNamesItself() {
        GuardRules rules = GuardRules.of(List.of(GuardRule.ofPath(Verdict.ALLOW, Operation.EXEC, "*/good"),
                GuardRule.ofPath(Verdict.DENY, Operation.EXEC, "*"), GuardRule.ofPath(Verdict.DENY, Operation.OPEN, "/etc/*")),
                Verdict.ALLOW);
        AtomicInteger reads = new AtomicInteger();
        assertThat(rules.decide(request(Operation.EXEC, "/tmp/x/good", ALICE, reads)))
                .isEqualTo(new Decision(Verdict.ALLOW, "allow-exec */good"));
        assertThat(rules.decide(request(Operation.EXEC, "/tmp/x/evil", ALICE, reads)))
                .isEqualTo(new Decision(Verdict.DENY, "deny-exec *"));
        assertThat(rules.decide(request(Operation.OPEN, "/etc/shadow", ALICE, reads)).verdict()).isEqualTo(Verdict.DENY);
        assertThat(rules.decide(request(Operation.OPEN, "/tmp/x/evil", ALICE, reads)))
                .isEqualTo(new Decision(Verdict.ALLOW, "default"));
        assertThat(reads).as("path rules never read /proc").hasValue(0);
        assertThat(rules.mayBlock()).as("so they are asked on the reading thread").isFalse();
        assertThat(GuardRules.of(List.of(GuardRule.parse("deny exec uid=1")), Verdict.ALLOW).mayBlock()).isTrue();
        assertThat(((GuardPolicy) request -> null).mayBlock()).as("a policy that does not say").isTrue();
        assertThat(rules.needsPath()).as("rules look at the path").isTrue();
        assertThat(GuardRules.of(List.of(), Verdict.DENY).needsPath()).as("a default alone answers before the readlink")
                .isFalse();
        assertThat(((GuardPolicy) request -> null).needsPath()).as("a policy that does not say").isTrue();
    }

    @Test
    void uidAndExeConditionsReadTheOpenerOnceAndAnUnknownOpenerNeverMatches() {
        GuardRules rules = GuardRules.of(List.of(GuardRule.parse("deny exec uid=1000 exe=*/bash path=/tmp/*"),
                GuardRule.parse("  deny   any   uid=0  ")), Verdict.ALLOW);
        AtomicInteger reads = new AtomicInteger();
        assertThat(rules.decide(request(Operation.EXEC, "/tmp/a", ALICE, reads)).rule())
                .isEqualTo("deny exec uid=1000 exe=*/bash path=/tmp/*");
        assertThat(reads).hasValue(1);
        assertThat(rules.decide(request(Operation.EXEC, "/opt/a", ALICE, reads)).rule()).as("path first, no read").isEqualTo("default");
        assertThat(rules.decide(request(Operation.OPEN, "/tmp/a", new Opener(7, 0, 0, null, null), new AtomicInteger())).rule())
                .isEqualTo("deny any uid=0");
        assertThat(rules.decide(request(Operation.EXEC, "/tmp/a", Opener.unknown(9), new AtomicInteger())).verdict())
                .isEqualTo(Verdict.ALLOW);
    }

    @Test
    void aPathThatCouldNotBeNamedMatchesNoPathRule() {
        GuardRules rules = GuardRules.of(List.of(GuardRule.ofPath(Verdict.DENY, Operation.OPEN, "*")), Verdict.ALLOW);
        assertThat(rules.decide(request(Operation.OPEN, null, ALICE, new AtomicInteger())).rule()).isEqualTo("default");
        assertThat(GuardRules.of(List.of(GuardRule.parse("deny open")), Verdict.ALLOW)
                .decide(request(Operation.OPEN, null, ALICE, new AtomicInteger())).verdict()).isEqualTo(Verdict.DENY);
    }

    @Test
    void badRulesSayWhatIsWrong() {
        assertThatThrownBy(() -> GuardRule.parse("deny")).hasMessageContaining("needs a verdict and an operation");
        assertThatThrownBy(() -> GuardRule.parse("deny exec uid=-1")).hasMessageContaining("negative");
        assertThatThrownBy(() -> GuardRule.parse("deny exec exe=")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> GuardRule.ofPath(Verdict.DENY, Operation.EXEC, "[")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statusFieldsAreFoundAtTheStartAndInside() {
        String status = "Name:\tcat\nUmask:\t0022\nUid:\t1000\t0\t0\t0\n";
        assertThat(Openers.field(status, "Name:")).isEqualTo("cat");
        assertThat(Openers.field(status, "Uid:")).isEqualTo("1000\t0\t0\t0");
        assertThat(Openers.field(status, "Gid:")).isNull();
        Opener self = Openers.read((int) ProcessHandle.current().pid());
        assertThat(self.known()).isTrue();
        assertThat(self.exe()).endsWith("/java");
    }
}
