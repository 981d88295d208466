package io.upcall.core.guard;

import java.util.List;

/**
 * The guard's policy from rules: the first rule that matches decides; when none does, the default verdict, named
 * {@code default} in the stream. Matching is a few compiled regular expressions and, only for a rule with a uid or
 * executable condition, one read of {@code /proc/PID}.
 */
public final class GuardRules implements GuardPolicy {
    private final List<GuardRule.Matcher> matchers;
    private final Decision fallback;

    private GuardRules(List<GuardRule> rules, Verdict defaultVerdict) {
        this.matchers = rules.stream().map(GuardRule::matcher).toList();
        this.fallback = new Decision(defaultVerdict, "default");
    }

    /** {@code rules} in the order they are tried; {@code defaultVerdict} when none matches. */
    public static GuardRules of(List<GuardRule> rules, Verdict defaultVerdict) {
        return new GuardRules(List.copyOf(rules), defaultVerdict);
    }

    @Override
    public Decision decide(AccessRequest request) {
        for (GuardRule.Matcher m : matchers) {
            if (m.matches(request)) {
                return new Decision(m.rule().verdict(), m.rule().label());
            }
        }
        return fallback;
    }
}
