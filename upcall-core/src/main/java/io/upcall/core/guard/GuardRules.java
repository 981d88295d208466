package io.upcall.core.guard;

import java.util.List;

/**
 * The guard's policy from rules: the first rule that matches decides; when none does, the default verdict, named
 * {@code default} in the stream. Matching is a few globs (no backtracking) and, only for a rule with a uid or
 * executable condition, one read of {@code /proc/PID}.
 */
public final class GuardRules implements GuardPolicy {
    private final List<GuardRule.Matcher> matchers;
    private final Decision fallback;
    private final boolean readsOpener;

    private GuardRules(List<GuardRule> rules, Verdict defaultVerdict) {
        this.matchers = rules.stream().map(GuardRule::matcher).toList();
        this.fallback = new Decision(defaultVerdict, "default");
        this.readsOpener = rules.stream().anyMatch(GuardRule::readsOpener);
    }

    /** {@code rules} in the order they are tried; {@code defaultVerdict} when none matches. */
    public static GuardRules of(List<GuardRule> rules, Verdict defaultVerdict) {
        return new GuardRules(List.copyOf(rules), defaultVerdict);
    }

    /**
     * False when no rule has a uid or executable condition: then matching is a few glob matches, each bounded by the
     * path's length times the glob's, and never blocks.
     */
    @Override
    public boolean mayBlock() {
        return readsOpener;
    }

    /** False with no rules: the default verdict alone needs no path. */
    @Override
    public boolean needsPath() {
        return !matchers.isEmpty();
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
