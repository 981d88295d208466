package io.upcall.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The struct a rule compiles to, and refusals with the position (the kernel's acceptance is in AuditRulesKernelIT). */
class AuditRuleParserTest {

    private static ByteBuffer struct(AuditRule r) {
        return ByteBuffer.wrap(r.data()).order(ByteOrder.nativeOrder());
    }

    @Test
    void aSyscallRuleSetsListActionMaskArchAndKey() {
        AuditRule r = AuditRuleParser.parse("-a always,exit -F arch=b64 -S chroot,fchmodat -k jail");
        ByteBuffer b = struct(r);
        assertThat(b.getInt(0)).isEqualTo(AuditRule.AUDIT_FILTER_EXIT);
        assertThat(b.getInt(4)).isEqualTo(AuditRule.AUDIT_ALWAYS);
        assertThat(b.getInt(8)).isEqualTo(2);
        assertThat(b.getInt(12 + 4 * (161 / 32)) & (1 << (161 % 32))).isNotZero(); // chroot
        assertThat(b.getInt(12 + 4 * (268 / 32)) & (1 << (268 % 32))).isNotZero(); // fchmodat
        assertThat(b.getInt(12 + 4 * (59 / 32)) & (1 << (59 % 32))).isZero(); // not execve
        assertThat(b.getInt(268)).isEqualTo(AuditRule.AUDIT_ARCH);
        assertThat(Integer.toUnsignedLong(b.getInt(524))).isEqualTo(0xc000003eL);
        assertThat(b.getInt(272)).isEqualTo(AuditRule.AUDIT_FILTERKEY);
        assertThat(b.getInt(528)).isEqualTo(4);
        assertThat(b.getInt(780)).isEqualTo(AuditRule.AUDIT_EQUAL);
        assertThat(b.getInt(1036)).isEqualTo(4);
        assertThat(r.data()).hasSize(1044);
        assertThat(r.key()).isEqualTo("jail");
        assertThat(AuditRule.keyOf(r.data())).isEqualTo("jail");
    }

    @Test
    void aWatchWatchesThePathWithItsPermissionsOnEverySyscall() {
        AuditRule r = AuditRuleParser.parse("-w /etc/shadow -p wa -k secrets");
        ByteBuffer b = struct(r);
        assertThat(b.getInt(0)).isEqualTo(AuditRule.AUDIT_FILTER_EXIT);
        assertThat(b.getInt(12)).isEqualTo(-1);
        assertThat(b.getInt(268)).isEqualTo(AuditRule.AUDIT_WATCH);
        assertThat(b.getInt(524)).isEqualTo("/etc/shadow".length());
        assertThat(b.getInt(272)).isEqualTo(AuditRule.AUDIT_PERM);
        assertThat(b.getInt(528)).isEqualTo(AuditRule.AUDIT_PERM_WRITE | AuditRule.AUDIT_PERM_ATTR);
        assertThat(AuditRule.keyOf(r.data())).isEqualTo("secrets");
    }

    @Test
    void i386NamesComeFromTheI386Table() {
        ByteBuffer b = struct(AuditRuleParser.parse("-a always,exit -F arch=b32 -S chroot"));
        assertThat(b.getInt(12 + 4 * (61 / 32)) & (1 << (61 % 32))).isNotZero();
    }

    @Test
    void refusalsSayWhereAndWhatToWrite() {
        assertThatThrownBy(() -> AuditRuleParser.parse("-a always,exit -S nosuchcall"))
                .isInstanceOf(AuditRuleException.class).hasMessageContaining("character 19")
                .hasMessageContaining("'nosuchcall' is not a syscall on x86_64");
        assertThatThrownBy(() -> AuditRuleParser.parse("-a always,task -S chroot")).hasMessageContaining("'task'");
        assertThatThrownBy(() -> AuditRuleParser.parse("-D")).hasMessageContaining("'-D' is not supported");
        assertThatThrownBy(() -> AuditRuleParser.parse("-a always,exit -k")).hasMessageContaining("-k needs a value");
        assertThatThrownBy(() -> AuditRuleParser.parse("-w etc -p wa")).hasMessageContaining("absolute path");
        assertThatThrownBy(() -> AuditRuleParser.parse("-w /etc -p z")).hasMessageContaining("rwxa");
        assertThatThrownBy(() -> AuditRuleParser.parse("-w /etc -a always,exit")).hasMessageContaining("do not go together");
        assertThatThrownBy(() -> AuditRuleParser.parse("-F uid=0")).hasMessageContaining("arch");
        assertThatThrownBy(() -> AuditRuleParser.parse("")).hasMessageContaining("needs -a always,exit or -w");
        assertThatThrownBy(() -> AuditRuleParser.parse("-a always,exit -k " + "k".repeat(257)))
                .hasMessageContaining("256 bytes");
    }

    @Test
    void keyOfNeverThrowsOnAStructThatDoesNotAddUp() {
        byte[] data = AuditRuleParser.parse("-a always,exit -S chroot -k abc").data();
        ByteBuffer.wrap(data).order(ByteOrder.nativeOrder()).putInt(524, 1 << 30);
        assertThat(AuditRule.keyOf(data)).isNull();
        assertThat(AuditRule.keyOf(new byte[10])).isNull();
    }
}
