package io.upcall.core.audit;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Audit rules an Upcall process added ({@code upcall-PID-PURPOSE} among their keys, see {@link AuditRuleSession}) and
 * left behind: that process no longer runs, so nothing will remove them. What {@code upcall doctor} reports, with the
 * command that removes them. Pure: the keys and whether a pid runs are given.
 */
final class LeftoverRules {
    private static final Pattern KEY = Pattern.compile(Pattern.quote(AuditRuleSession.KEY_PREFIX) + "([0-9]{1,10})-[a-z]+");

    private LeftoverRules() {}

    /**
     * The keys of rules whose Upcall process is gone, by that process's pid.
     *
     * @param ruleKeys each rule's key field as the kernel lists it (several keys joined by \x01; empty for none)
     * @param running  whether a pid runs now
     */
    static Map<Long, List<String>> find(List<String> ruleKeys, LongPredicate running) {
        Map<Long, List<String>> gone = new TreeMap<>();
        for (String field : ruleKeys) {
            for (String key : field.split("\u0001")) {
                Matcher m = KEY.matcher(key);
                if (m.matches()) {
                    long pid = Long.parseLong(m.group(1));
                    if (!running.test(pid)) {
                        List<String> keys = gone.computeIfAbsent(pid, p -> new java.util.ArrayList<>());
                        if (!keys.contains(key)) {
                            keys.add(key);
                        }
                    }
                }
            }
        }
        return gone;
    }

    /** Doctor's words: none, or how many, whose, and how to remove them. */
    static String describe(List<String> ruleKeys, LongPredicate running) {
        Map<Long, List<String>> gone = find(ruleKeys, running);
        if (gone.isEmpty()) {
            return "no rules left behind by Upcall";
        }
        StringBuilder s = new StringBuilder();
        int rules = 0;
        for (String field : ruleKeys) {
            for (List<String> keys : gone.values()) {
                if (keys.stream().anyMatch(k -> List.of(field.split("\u0001")).contains(k))) {
                    rules++;
                    break;
                }
            }
        }
        s.append(rules).append(rules == 1 ? " rule" : " rules").append(" left behind by Upcall processes no longer running (");
        String sep = "";
        StringBuilder remove = new StringBuilder();
        for (Map.Entry<Long, List<String>> e : gone.entrySet()) {
            s.append(sep).append("pid ").append(e.getKey());
            sep = ", ";
            for (String k : e.getValue()) {
                remove.append(remove.isEmpty() ? "" : "; ").append("auditctl -D -k ").append(k);
            }
        }
        return s.append("); remove with: ").append(remove).toString();
    }
}
