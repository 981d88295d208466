package io.upcall.protocol.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * A rule's words: split at white space; a word may be quoted ({@code "a b"} or {@code 'a b'}), or may end in a quoted
 * value after its first {@code =} ({@code key="a b"}). The quotes are taken away. A word holds one kind of quote at
 * most, so that {@link AuditRulePrinter#word} can always quote it back.
 */
final class AuditRuleWords {
    /** A word: its text without quotes, and the 0-based character where it starts in the rule. */
    record Word(String text, int at) {}

    private AuditRuleWords() {}

    static List<Word> split(String rule) {
        List<Word> out = new ArrayList<>();
        int i = 0;
        int n = rule.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(rule.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int from = i;
            StringBuilder text = new StringBuilder();
            while (i < n && !Character.isWhitespace(rule.charAt(i))) {
                char c = rule.charAt(i);
                if ((c == '"' || c == '\'') && (i == from || text.indexOf("=") == text.length() - 1)) {
                    int end = rule.indexOf(c, i + 1);
                    if (end < 0) {
                        throw new AuditRuleException(rule, i, "the quote " + c + " is not closed: end the value with "
                                + c);
                    }
                    text.append(rule, i + 1, end);
                    i = end + 1;
                    if (i < n && !Character.isWhitespace(rule.charAt(i))) {
                        throw new AuditRuleException(rule, i, "a quoted value ends its word: put a space after the "
                                + "closing " + c);
                    }
                    break;
                }
                if (c == '"' || c == '\'') {
                    throw new AuditRuleException(rule, i, "a quote starts a word or a value after '=': quote the "
                            + "whole value, such as key=\"a b\"");
                }
                text.append(c);
                i++;
            }
            out.add(new Word(text.toString(), from));
        }
        return out;
    }
}
