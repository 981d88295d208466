package io.upcall.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.DecodeResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rules captured on this machine ({@code scripts/capture-audit-rule-fixture.py}): each added with auditctl 3.0.9, the
 * struct the kernel (6.18) listed back and the line {@code auditctl -l} printed for it. The kernel's struct decodes and
 * prints as auditctl's line; the source text compiles to the kernel's struct; the printed line compiles to it again
 * (list, then add, gives the same rule).
 */
class AuditRuleGoldenTest {
    /** The fixture's paths: the directory is one when the rule is parsed, as it was when auditctl added it. */
    static final AuditRuleParser.Names NAMES = new AuditRuleParser.Names() {
        @Override
        public long uid(String name) {
            return name.equals("root") ? 0 : -1;
        }

        @Override
        public long gid(String name) {
            return name.equals("root") ? 0 : -1;
        }

        @Override
        public boolean isDirectory(String path) {
            return path.equals("/tmp/upcall-fixture-dir");
        }
    };

    record Listed(String source, String line, byte[] struct) {
        @Override
        public String toString() {
            return source;
        }
    }

    static Stream<Listed> listed() throws IOException {
        try (InputStream in = AuditRuleGoldenTest.class.getResourceAsStream("rules/listed.tsv")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).hasSizeGreaterThan(30);
            return lines.stream().map(l -> l.split("\t")).map(w -> new Listed(w[0], w[1], HexFormat.of().parseHex(w[2])));
        }
    }

    /**
     * What the kernel keeps of a rule added: no {@code AUDIT_FILTER_PREPEND}, and word 63 of the mask without the
     * syscall-class bits (the kernel expands those and clears them: an all-ones mask lists back 0xffff there).
     */
    static AuditRuleData asKernelKeepsIt(AuditRuleData r) {
        int[] mask = r.mask();
        mask[63] &= 0xffff;
        return new AuditRuleData(r.list(), r.action(), mask, r.fields());
    }

    static AuditRuleData decode(byte[] struct) {
        assertThat(AuditRuleData.decode(struct)).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded<AuditRuleData>) AuditRuleData.decode(struct)).value();
    }

    @ParameterizedTest
    @MethodSource("listed")
    void theKernelsStructPrintsAsAuditctlPrintsIt(Listed l) {
        // The one difference: a syscall newer than auditd 3.0.9's table prints by name here (fchmodat2), by number there.
        assertThat(AuditRulePrinter.print(decode(l.struct()))).isEqualTo(l.line().replace("-S 452", "-S fchmodat2"));
    }

    @ParameterizedTest
    @MethodSource("listed")
    void theSourceCompilesToTheKernelsStruct(Listed l) {
        assertThat(asKernelKeepsIt(AuditRuleParser.compile(l.source(), NAMES))).isEqualTo(decode(l.struct()));
    }

    @ParameterizedTest
    @MethodSource("listed")
    void theListedLineCompilesToTheSameRuleAndPrintsTheSame(Listed l) {
        AuditRuleData again = AuditRuleParser.compile(l.line(), NAMES);
        assertThat(asKernelKeepsIt(again)).isEqualTo(decode(l.struct()));
        assertThat(AuditRulePrinter.print(again)).isEqualTo(AuditRulePrinter.print(decode(l.struct())));
    }

    @ParameterizedTest
    @MethodSource("listed")
    void encodeIsDecodesInverse(Listed l) {
        AuditRuleData r = decode(l.struct());
        assertThat(r.encode()).isEqualTo(l.struct());
        assertThat(AuditRule.keyOf(l.struct())).isEqualTo(r.keys().isEmpty() ? null : String.join("\u0001", r.keys()));
    }
}
