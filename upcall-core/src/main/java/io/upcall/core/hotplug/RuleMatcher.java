package io.upcall.core.hotplug;

import io.upcall.protocol.uevent.Uevent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@link HotplugRule} compiled once: its globs as patterns, so that matching a uevent is a few set
 * look-ups and regex matches. Also builds the program's argv and environment for a uevent. Immutable.
 */
final class RuleMatcher {
    /** What the kernel gave {@code /sbin/hotplug}: a known PATH and HOME, nothing inherited from Upcall. */
    static final Map<String, String> BASE_ENV = Map.of("HOME", "/",
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    private final int number;
    private final HotplugRule rule;
    private final List<Pattern> devpaths;
    private final Map<String, List<Pattern>> env;
    private final long timeoutNanos;

    /** @param number the rule's place in its list, the first being 1 */
    RuleMatcher(int number, HotplugRule rule) {
        this.number = number;
        this.rule = rule;
        this.devpaths = rule.devpaths().stream().map(Glob::compile).toList();
        Map<String, List<Pattern>> compiled = new LinkedHashMap<>();
        rule.env().forEach((key, globs) -> compiled.put(key, globs.stream().map(Glob::compile).toList()));
        this.env = compiled;
        this.timeoutNanos = rule.timeout().toNanos();
    }

    int number() {
        return number;
    }

    HotplugRule rule() {
        return rule;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    boolean matches(Uevent u) {
        if (!oneOf(rule.actions(), u.action()) || !oneOf(rule.subsystems(), u.subsystem())
                || !oneOf(rule.devtypes(), u.devtype())) {
            return false;
        }
        if (!devpaths.isEmpty() && !anyMatches(devpaths, u.devpath())) {
            return false;
        }
        for (Map.Entry<String, List<Pattern>> e : env.entrySet()) {
            if (!anyMatches(e.getValue(), u.env().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean oneOf(Set<String> wanted, String value) {
        return wanted.isEmpty() || value != null && wanted.contains(value);
    }

    private static boolean anyMatches(List<Pattern> globs, String value) {
        if (value == null) {
            return false;
        }
        for (Pattern p : globs) {
            if (p.matcher(value).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The rule's {@code run} as is, or the program alone with the subsystem as its argument. */
    List<String> argv(Uevent u) {
        if (rule.run().size() > 1 || u.subsystem() == null) {
            return rule.run();
        }
        return List.of(rule.run().getFirst(), u.subsystem());
    }

    /**
     * {@link #BASE_ENV}, the uevent's properties that {@link HotplugEnvironment#passes} (never over the base), and
     * {@code ACTION} and {@code DEVPATH} for sure.
     */
    static Map<String, String> environment(Uevent u) {
        Map<String, String> env = new LinkedHashMap<>(BASE_ENV);
        u.env().forEach((name, value) -> {
            if (HotplugEnvironment.passes(name)) {
                env.put(name, value);
            }
        });
        env.put("ACTION", u.action());
        env.put("DEVPATH", u.devpath());
        return env;
    }

    /** The rules compiled, numbered from 1. */
    static List<RuleMatcher> compile(List<HotplugRule> rules) {
        List<RuleMatcher> compiled = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            compiled.add(new RuleMatcher(i + 1, rules.get(i)));
        }
        return List.copyOf(compiled);
    }
}
