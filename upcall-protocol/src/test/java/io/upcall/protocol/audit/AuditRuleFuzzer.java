package io.upcall.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.upcall.protocol.DecodeResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rule codec over any input. A rule text compiles or is refused with an {@link AuditRuleException} whose position
 * lies in the text (never another exception); a compiled rule round-trips: encode → decode gives it back, print →
 * parse gives the same rule again (as the kernel keeps it: no {@code -A} flag; a watch's path as {@code -w} reads it)
 * and prints the same line. Any bytes (a rule the kernel listed, whoever added it) decode or are {@code malformed};
 * what decodes prints, and encodes back to a struct that decodes and prints the same.
 */
class AuditRuleFuzzer {

    @FuzzTest(maxDuration = "30s")
    void compileAnyRule(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        AuditRuleData rule;
        try {
            rule = AuditRuleParser.compile(text, AuditRuleParser.Names.NUMBERS_ONLY);
        } catch (AuditRuleException e) {
            assertThat(e.position()).isBetween(0, text.length());
            return;
        }
        assertThat(AuditRuleData.decode(rule.encode())).isEqualTo(DecodeResult.decoded(rule));
        String printed = AuditRulePrinter.print(rule);
        AuditRuleData again = AuditRuleParser.compile(printed, AuditRuleParser.Names.NUMBERS_ONLY);
        assertThat(again).isEqualTo(asListed(rule));
        assertThat(AuditRulePrinter.print(again)).isEqualTo(printed);
        assertThat(AuditRule.keyOf(rule.encode())).isEqualTo(rule.keys().isEmpty() ? null
                : String.join("\u0001", rule.keys()));
    }

    @FuzzTest(maxDuration = "30s")
    void decodeAnyStruct(byte[] input) {
        AuditRule.keyOf(input);
        if (AuditRuleData.decode(input) instanceof DecodeResult.Decoded<AuditRuleData>(AuditRuleData r)) {
            String printed = AuditRulePrinter.print(r);
            DecodeResult<AuditRuleData> again = AuditRuleData.decode(r.encode());
            assertThat(again).isInstanceOf(DecodeResult.Decoded.class);
            assertThat(AuditRulePrinter.print(((DecodeResult.Decoded<AuditRuleData>) again).value())).isEqualTo(printed);
        }
    }

    /**
     * The rule as its printed line compiles: without {@code AUDIT_FILTER_PREPEND}; an {@code -a} rule's arch fields
     * first (auditctl prints them before {@code -S}); a watch as path (a dir reads back as a path where no directory
     * is looked up, and without a trailing /), perm, key.
     */
    static AuditRuleData asListed(AuditRuleData r) {
        List<AuditRuleData.Field> fields = new ArrayList<>(r.fields());
        if (AuditRulePrinter.isWatch(r)) {
            fields.replaceAll(f -> {
                if (f.id() != AuditRule.AUDIT_DIR && f.id() != AuditRule.AUDIT_WATCH) {
                    return f;
                }
                String path = f.text();
                while (path.length() > 1 && path.endsWith("/")) {
                    path = path.substring(0, path.length() - 1);
                }
                return AuditRuleData.Field.of(AuditRule.AUDIT_WATCH, f.op(), path);
            });
            fields.sort(Comparator.comparingInt(f -> f.id() == AuditRule.AUDIT_WATCH ? 0
                    : f.id() == AuditRule.AUDIT_PERM ? 1 : 2));
        } else {
            fields.sort(Comparator.comparingInt(f -> f.id() == AuditRule.AUDIT_ARCH ? 0 : 1));
        }
        return new AuditRuleData(r.list(), r.action(), r.mask(), fields);
    }
}
