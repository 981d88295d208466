package io.upcall.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        assertThatThrownBy(() -> AuditRuleParser.parse("-a always,task -S chroot"))
                .hasMessageContaining("-S goes with the exit and io_uring lists only");
        assertThatThrownBy(() -> AuditRuleParser.parse("-a always,entry")).hasMessageContaining("'entry'");
        assertThatThrownBy(() -> AuditRuleParser.parse("-D")).hasMessageContaining("'-D' is not a rule option");
        assertThatThrownBy(() -> AuditRuleParser.parse("-a always,exit -k")).hasMessageContaining("-k needs a value");
        assertThatThrownBy(() -> AuditRuleParser.parse("-w etc -p wa")).hasMessageContaining("absolute path");
        assertThatThrownBy(() -> AuditRuleParser.parse("-w /etc -p z")).hasMessageContaining("rwxa");
        assertThatThrownBy(() -> AuditRuleParser.parse("-w /etc -a always,exit")).hasMessageContaining("-a after -w");
        assertThatThrownBy(() -> AuditRuleParser.parse("-F uid=0")).hasMessageContaining("needs -a ACTION,LIST");
        assertThatThrownBy(() -> AuditRuleParser.parse("")).hasMessageContaining("needs -a ACTION,LIST");
        assertThatThrownBy(() -> AuditRuleParser.parse("-a always,exit -k " + "k".repeat(257)))
                .hasMessageContaining("256 bytes");
        assertThatThrownBy(() -> AuditRuleParser.parse("-a always,exit -k " + "k".repeat(200) + " -k " + "k".repeat(60)))
                .hasMessageContaining("256 bytes together");
    }

    /** Each refusal: the rule, the 1-based character named, and a piece of the advice. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            -a always,exit -F nosuch=1                  | 19 | 'nosuch' is not a field; fields: pid uid
            -a always,exit -F uid                       | 19 | -F takes FIELD OP VALUE
            -a always,exit -F uid=                      | 23 | uid= needs a value
            -a always,exit -F uid=~1                    | 23 | '~1' is not a user
            -a always,exit -F uid=nobody                | 23 | names are not looked up here: write the number
            -a always,exit -F uid=unset                 | 23 | uid cannot be unset: only auid
            -a always,exit -F pid=12x                   | 23 | pid takes a number that fits 32 bits
            -a always,exit -F a0=0x1ffffffff            | 22 | a0 takes a number that fits 32 bits
            -a always,exit -F exit=EACCES               | 24 | write exit=-EACCES
            -a always,exit -F exit=-ENOPE               | 24 | an errno name with a minus
            -a always,exit -F arch=sparc                | 24 | arch is b64 (x86_64), b32 (i386), aarch64 or an AUDIT_ARCH_
            -a always,exit -F arch<b64                  | 23 | arch takes = or !=, not <
            -a always,exit -F key!=k                    | 22 | key takes =, not !=
            -a always,exit -F perm=rq                   | 25 | perm takes letters of rwxa
            -a always,exit -F path=etc                  | 24 | -F path= takes an absolute path
            -a always,exit -F path!=/etc                | 23 | path takes =, not !=
            -a always,exclude -F msgtype=NO_SUCH        | 30 | 'NO_SUCH' is not a record type
            -a always,exit -F filetype=pipe             | 28 | filetype is file, dir, socket, link, character
            -a always,exit -F field_compare=1           | 19 | field_compare is written -C FIELD=FIELD
            -a always,exit -C uid<euid                  | 19 | -C takes FIELD=FIELD or FIELD!=FIELD
            -a always,exit -C uid=gid                   | 19 | -C cannot compare uid with gid
            -a always,exit -S chroot,                   | 26 | an empty syscall name
            -a always,exit -F arch=b32 -S 2016          | 31 | is not a syscall on i386
            -a always,io_uring -S openat                | 23 | is not an io_uring operation number
            -a always                                   | 4  | -a takes ACTION,LIST
            -a always,never                             | 11 | write one action (always, never) and one list
            -a always,exit -p wa                        | 16 | -p goes with -w; in an -a rule write -F perm=wa
            -w /etc -S chroot                           | 12 | a watch takes only -p and -k
            -w /etc -F uid=0                            | 9  | a watch takes only -p and -k
            -a always,exit -k ''                        | 19 | a key is not empty
            -a always,exit -k "a b                      | 19 | the quote " is not closed
            -a always,exit -k a"b"                      | 20 | a quote starts a word or a value after '='
            -a always,exit -k "a"b                      | 22 | a quoted value ends its word
            -a always,exit -F path="/a b"x              | 30 | a quoted value ends its word
            """)
    void eachRefusalNamesThePlaceAndTheFix(String rule, int character, String advice) {
        assertThatThrownBy(() -> AuditRuleParser.parse(rule)).isInstanceOf(AuditRuleException.class)
                .hasMessageContaining("at character " + character + ":").hasMessageContaining(advice);
    }

    /** Shapes the golden fixture does not hold: names, quoting, multiple keys, -A, -d, all operators, io_uring. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            -a always,exit -F arch=b64 -S open -F uid=alice -F gid=staff -k k   | -a always,exit -F arch=b64 -S open -F uid=1000 -F gid=50 -F key=k
            -a always,exit -F arch=b64 -S all -F path="/tmp/a b" -k "my key"    | -a always,exit -F arch=b64 -S all -F path="/tmp/a b" -F key="my key"
            -w "/tmp/it's" -p w                                                 | -w "/tmp/it's" -p w
            -w /tmp/dir/ -k a -k b -k c                                         | -w /tmp/dir -p rwxa -k a -k b -k c
            -A always,exit -F arch=b64 -S execve -F auid=unset                  | -a always,exit -F arch=b64 -S execve -F auid=-1
            -d always,exit -F arch=b64 -S execve -F loginuid=4294967295         | -a always,exit -F arch=b64 -S execve -F auid=-1
            -a always,exit -F arch=b64 -S open -F pid=1 -F pid!=2 -F pid<3 -F pid>4 -F pid<=5 -F pid>=6 -F pid&7 -F pid&=8 | -a always,exit -F arch=b64 -S open -F pid=1 -F pid!=2 -F pid<3 -F pid>4 -F pid<=5 -F pid>=6 -F pid&7 -F pid&=8
            -a always,exit -S chmod -F arch=b32                                 | -a always,exit -F arch=b32 -S chmod
            -a always,exit -F arch=b64 -S fchmodat2,file_setattr,uretprobe      | -a always,exit -F arch=b64 -S uretprobe,fchmodat2,file_setattr
            -a always,exit -F arch=b64 -S 2015                                  | -a always,exit -F arch=b64 -S 2015
            -a always,exit -F arch=b64 -S open -C obj_uid=auid -C egid!=fsgid   | -a always,exit -F arch=b64 -S open -C auid=obj_uid -C egid!=fsgid
            -a always,io_uring -S 18 -F uid=0                                   | -a always,io_uring -S 18 -F uid=0
            -a always,exit -F arch=b64 -S open -F subj_type=sshd_t              | -a always,exit -F arch=b64 -S open -F subj_type=sshd_t
            -a always,exit -F arch=aarch64 -S 56                                | -a always,exit -F arch=aarch64 -S 56
            -a always,exclude -F msgtype=user_login                             | -a always,exclude -F msgtype=USER_LOGIN
            -a always,exit -F arch=b64 -S open -F exit=-EAGAIN -F a0=-0x1       | -a always,exit -F arch=b64 -S open -F exit=-EAGAIN -F a0=0xFFFFFFFF
            -a always,exit -F arch=b64 -S all -F exe!=/usr/bin/true -k k        | -a always,exit -F arch=b64 -S all -F exe!=/usr/bin/true -F key=k
            """)
    void eachShapePrintsAsAuditctlWouldAndParsesBack(String rule, String printed) {
        AuditRuleParser.Names names = new AuditRuleParser.Names() {
            @Override
            public long uid(String name) {
                return name.equals("alice") ? 1000 : -1;
            }

            @Override
            public long gid(String name) {
                return name.equals("staff") ? 50 : -1;
            }

            @Override
            public boolean isDirectory(String path) {
                return path.equals("/tmp/dir");
            }
        };
        AuditRuleData r = AuditRuleParser.compile(rule, names);
        assertThat(AuditRulePrinter.print(r)).isEqualTo(printed);
        assertThat(AuditRuleParser.compile(printed, names)).isEqualTo(r.appended());
    }

    @Test
    void prependAndDeletionAreSaid() {
        assertThat(AuditRuleParser.compile("-A always,exit -S open", AuditRuleParser.Names.NUMBERS_ONLY).flags())
                .isEqualTo(AuditRule.AUDIT_FILTER_EXIT | AuditRule.AUDIT_FILTER_PREPEND);
        assertThat(AuditRuleParser.isDeletion("-d always,exit -S open")).isTrue();
        assertThat(AuditRuleParser.isDeletion("  -W /etc")).isTrue();
        assertThat(AuditRuleParser.isDeletion("-a always,exit")).isFalse();
        AuditRule both = AuditRuleParser.parse("-w /etc -k a -k b");
        assertThat(both.key()).isEqualTo("a\u0001b");
        assertThat(both.rule().keys()).containsExactly("a", "b");
    }

    @Test
    void aWatchOnADirectoryIsADirRule() {
        AuditRuleParser.Names dirs = new AuditRuleParser.Names() {
            @Override
            public long uid(String name) {
                return -1;
            }

            @Override
            public long gid(String name) {
                return -1;
            }

            @Override
            public boolean isDirectory(String path) {
                return true;
            }
        };
        assertThat(AuditRuleParser.compile("-w /etc/ -p wa", dirs).fields().getFirst())
                .isEqualTo(AuditRuleData.Field.of(AuditRule.AUDIT_DIR, AuditRule.AUDIT_EQUAL, "/etc"));
    }

    @Test
    void aStructThatDoesNotAddUpIsMalformedNotAnException() {
        byte[] data = AuditRuleParser.parse("-a always,exit -S chroot -k abc").data();
        assertThat(AuditRuleData.decode(data, 0, 100)).isInstanceOf(io.upcall.protocol.DecodeResult.Malformed.class);
        ByteBuffer.wrap(data).order(ByteOrder.nativeOrder()).putInt(8, 65);
        assertThat(AuditRuleData.decode(data)).extracting(d -> ((io.upcall.protocol.DecodeResult.Malformed<?>) d).kind())
                .isEqualTo("field_count");
        byte[] over = AuditRuleParser.parse("-a always,exit -S chroot -k abc").data();
        ByteBuffer.wrap(over).order(ByteOrder.nativeOrder()).putInt(1036, 1000);
        assertThat(AuditRuleData.decode(over)).extracting(d -> ((io.upcall.protocol.DecodeResult.Malformed<?>) d).kind())
                .isEqualTo("buflen");
    }

    @Test
    void anUnknownFieldAndOperatorPrintAsAuditctlDoes() {
        int[] mask = new int[64];
        mask[0] = 1;
        AuditRuleData r = new AuditRuleData(AuditRule.AUDIT_FILTER_EXIT, AuditRule.AUDIT_ALWAYS, mask, java.util.List.of(
                AuditRuleData.Field.of(150, AuditRule.AUDIT_EQUAL, 7),
                AuditRuleData.Field.of(AuditRule.AUDIT_LOGINUID_SET, AuditRule.AUDIT_EQUAL, 1),
                AuditRuleData.Field.of(AuditRule.AUDIT_PID, 0, 3)));
        assertThat(AuditRulePrinter.print(r)).isEqualTo("-a always,exit -S read f150=7 f24=1 -F pid?0x0?3");
    }

    @Test
    void keyOfNeverThrowsOnAStructThatDoesNotAddUp() {
        byte[] data = AuditRuleParser.parse("-a always,exit -S chroot -k abc").data();
        ByteBuffer.wrap(data).order(ByteOrder.nativeOrder()).putInt(524, 1 << 30);
        assertThat(AuditRule.keyOf(data)).isNull();
        assertThat(AuditRule.keyOf(new byte[10])).isNull();
    }
}
