package io.upcall.core.hotplug;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A hotplug rule: which uevents it matches, and the program it runs for each. Every matcher that is given
 * must match (an empty one matches anything); within a matcher, one of its values must. Globs are
 * shell-style: {@code *} any characters ({@code /} included), {@code ?} one, {@code [a-z]}, {@code [!a]},
 * {@code \} escapes. For example:
 * <pre>{@code
 * HotplugRule.builder().name("net-hook").action("change").subsystem("net")
 *         .devpath("/devices/virtual/net/*").env("INTERFACE", "eth*")
 *         .run("/usr/local/sbin/net-hook", "--verbose").timeout(Duration.ofSeconds(10)).build();
 * }</pre>
 *
 * @param name       a name for the outcome events, or null
 * @param actions    uevent actions ({@link #ACTIONS}), any of them
 * @param subsystems {@code SUBSYSTEM} values, any of them
 * @param devtypes   {@code DEVTYPE} values, any of them
 * @param devpaths   globs on {@code DEVPATH}, any of them
 * @param env        per property name, globs on its value, any of them; a property that is absent does not match
 * @param run        the program (an absolute path) and its arguments, run directly, never through a shell. With the
 *                   program alone, it gets the subsystem as its one argument ({@code /sbin/hotplug}'s convention)
 * @param timeout    how long the program may run before it is stopped (SIGTERM, then SIGKILL)
 */
public record HotplugRule(String name, Set<String> actions, Set<String> subsystems, Set<String> devtypes,
        List<String> devpaths, Map<String, List<String>> env, List<String> run, Duration timeout) {

    /** The actions a uevent can carry. */
    public static final Set<String> ACTIONS = orderedSet("add", "remove", "change", "move", "online", "offline", "bind",
            "unbind");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** @throws IllegalArgumentException for an unknown action, a bad glob, an empty or relative {@code run}, a bad timeout */
    public HotplugRule {
        actions = Set.copyOf(actions);
        actions.forEach(HotplugRule::checkAction);
        subsystems = Set.copyOf(subsystems);
        devtypes = Set.copyOf(devtypes);
        devpaths = List.copyOf(devpaths);
        devpaths.forEach(Glob::compile);
        env = copyEnv(env);
        run = List.copyOf(run);
        checkRun(run);
        checkTimeout(timeout);
    }

    public static Builder builder() {
        return new Builder();
    }

    private static Map<String, List<String>> copyEnv(Map<String, List<String>> env) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        env.forEach((key, globs) -> {
            checkPropertyName(key);
            List<String> values = List.copyOf(globs);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("env " + key + ": give at least one glob");
            }
            values.forEach(Glob::compile);
            copy.put(key, values);
        });
        return java.util.Collections.unmodifiableMap(copy);
    }

    private static void checkAction(String action) {
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException("unknown action '" + action + "': use one of " + String.join(", ", ACTIONS));
        }
    }

    private static void checkPropertyName(String key) {
        if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("'" + key + "' is not a property name");
        }
    }

    private static void checkRun(List<String> run) {
        if (run.isEmpty()) {
            throw new IllegalArgumentException("run is empty: name the program to run (an absolute path)");
        }
        String program = run.getFirst();
        if (!program.startsWith("/")) {
            throw new IllegalArgumentException("program '" + program + "' is not an absolute path: rules run without a "
                    + "shell or a PATH search (write /usr/bin/" + program + " or wherever it is)");
        }
    }

    private static void checkTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
    }

    private static Set<String> orderedSet(String... values) {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(values)));
    }

    /**
     * Builds a {@link HotplugRule}; each method checks its argument at once, so that a caller reading a file
     * can say which value was wrong.
     */
    public static final class Builder {
        private String name;
        private final Set<String> actions = new LinkedHashSet<>();
        private final Set<String> subsystems = new LinkedHashSet<>();
        private final Set<String> devtypes = new LinkedHashSet<>();
        private final List<String> devpaths = new ArrayList<>();
        private final Map<String, List<String>> env = new LinkedHashMap<>();
        private List<String> run = List.of();
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder() {}

        public Builder name(String ruleName) {
            this.name = ruleName;
            return this;
        }

        public Builder action(String... values) {
            for (String a : values) {
                checkAction(a);
                actions.add(a);
            }
            return this;
        }

        public Builder subsystem(String... values) {
            subsystems.addAll(List.of(values));
            return this;
        }

        public Builder devtype(String... values) {
            devtypes.addAll(List.of(values));
            return this;
        }

        public Builder devpath(String... globs) {
            for (String g : globs) {
                Glob.compile(g);
                devpaths.add(g);
            }
            return this;
        }

        /** The property {@code key} must be present and match one of {@code globs}. */
        public Builder env(String key, String... globs) {
            checkPropertyName(key);
            for (String g : globs) {
                Glob.compile(g);
            }
            env.computeIfAbsent(key, k -> new ArrayList<>()).addAll(List.of(globs));
            return this;
        }

        /** The program and its arguments; the program alone gets the subsystem as its argument. */
        public Builder run(String... argv) {
            return run(List.of(argv));
        }

        public Builder run(List<String> argv) {
            checkRun(List.copyOf(argv));
            this.run = List.copyOf(argv);
            return this;
        }

        public Builder timeout(Duration limit) {
            checkTimeout(limit);
            this.timeout = limit;
            return this;
        }

        /** @throws IllegalArgumentException when no program was given */
        public HotplugRule build() {
            return new HotplugRule(name, actions, subsystems, devtypes, devpaths, env, run, timeout);
        }
    }
}
