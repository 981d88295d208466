package io.upcall.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The rule codec over any input: a rule text compiles or is refused with an {@link AuditRuleException} whose position
 * lies in the text (never another exception), a compiled rule's key reads back from its struct, and
 * {@link AuditRule#keyOf} over any bytes (a rule the kernel listed) never throws.
 */
class AuditRuleFuzzer {

    @FuzzTest(maxDuration = "30s")
    void compileAnyRule(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            AuditRule r = AuditRuleParser.parse(text);
            assertThat(AuditRule.keyOf(r.data())).isEqualTo(r.key());
        } catch (AuditRuleException e) {
            assertThat(e.position()).isBetween(0, text.length());
        }
        AuditRule.keyOf(input);
    }
}
