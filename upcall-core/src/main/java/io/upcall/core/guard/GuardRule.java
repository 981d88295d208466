package io.upcall.core.guard;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One rule: a verdict for the accesses it matches. Every condition given must hold; one left out (null) matches
 * anything. The path and executable globs are shell wildcards matched without backtracking ({@code PathGlob}): {@code *}
 * crosses {@code /}, so {@code *}{@code /evil} matches a file named {@code evil} in any directory. A uid or executable condition never matches an opener whose
 * {@code /proc/PID} could not be read.
 *
 * @param verdict    what the rule answers
 * @param operations the operations it covers (not empty)
 * @param path       a glob the file's path must match, or null
 * @param uid        the opener's real uid, or null
 * @param exe        a glob the opener's executable must match, or null
 * @param label      how the stream names the rule ({@code deny-exec *}{@code /evil})
 */
public record GuardRule(Verdict verdict, Set<Operation> operations, String path, Integer uid, String exe, String label) {

    public GuardRule {
        Objects.requireNonNull(verdict);
        if (operations.isEmpty()) {
            throw new IllegalArgumentException("a rule covers at least one operation");
        }
        operations = Set.copyOf(operations);
        Objects.requireNonNull(label);
        if (path != null) {
            PathGlob.compile(path);
        }
        if (exe != null) {
            PathGlob.compile(exe);
        }
    }

    /** The rule of {@code --deny-exec GLOB} and the like: a verdict for one operation on paths matching a glob. */
    public static GuardRule ofPath(Verdict verdict, Operation operation, String glob) {
        return new GuardRule(verdict, EnumSet.of(operation), glob, null, null,
                verdict.word() + "-" + operation.word() + " " + glob);
    }

    /**
     * Parses {@code VERDICT OPERATION [path=GLOB] [uid=N] [exe=GLOB]}, e.g. {@code deny exec path=/tmp/* uid=1000}; the
     * operation is {@code open}, {@code exec} or {@code any}.
     *
     * @throws IllegalArgumentException saying which word is wrong and what would be right
     */
    public static GuardRule parse(String text) {
        String[] words = text.strip().split("\\s+");
        if (words.length < 2) {
            throw new IllegalArgumentException("rule '" + text + "' needs a verdict and an operation, e.g. 'deny exec path=*/evil'");
        }
        Verdict verdict = Verdict.of(words[0]);
        Set<Operation> ops = switch (words[1]) {
            case "open" -> EnumSet.of(Operation.OPEN);
            case "exec" -> EnumSet.of(Operation.EXEC);
            case "any" -> EnumSet.allOf(Operation.class);
            default -> throw new IllegalArgumentException("rule '" + text + "': '" + words[1]
                    + "' is not an operation: use open, exec or any");
        };
        String path = null;
        Integer uid = null;
        String exe = null;
        for (int i = 2; i < words.length; i++) {
            String w = words[i];
            int eq = w.indexOf('=');
            String key = eq < 0 ? w : w.substring(0, eq);
            String value = eq < 0 ? "" : w.substring(eq + 1);
            if (value.isEmpty()) {
                throw new IllegalArgumentException("rule '" + text + "': '" + w + "' needs a value: path=GLOB, uid=N or exe=GLOB");
            }
            switch (key) {
                case "path" -> path = value;
                case "exe" -> exe = value;
                case "uid" -> {
                    try {
                        uid = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("rule '" + text + "': uid '" + value + "' is not a number");
                    }
                    if (uid < 0) {
                        throw new IllegalArgumentException("rule '" + text + "': uid " + uid + " is negative");
                    }
                }
                default -> throw new IllegalArgumentException("rule '" + text + "': '" + key
                        + "' is not a condition: use path=GLOB, uid=N or exe=GLOB");
            }
        }
        return new GuardRule(verdict, ops, path, uid, exe, String.join(" ", words));
    }

    /** True when matching may read {@code /proc/PID} (a uid or executable condition), which can block. */
    boolean readsOpener() {
        return uid != null || exe != null;
    }

    /** The rule compiled for matching. */
    Matcher matcher() {
        return new Matcher(this, path == null ? null : PathGlob.compile(path), exe == null ? null : PathGlob.compile(exe));
    }

    /** A rule with its globs compiled. */
    record Matcher(GuardRule rule, PathGlob path, PathGlob exe) {
        boolean matches(AccessRequest request) {
            if (!rule.operations().contains(request.operation())) {
                return false;
            }
            if (path != null && (request.path() == null || !path.matches(request.path()))) {
                return false;
            }
            if (rule.uid() == null && exe == null) {
                return true;
            }
            Opener o = request.opener(); // only now: reading /proc/PID is the one cost a rule may cause
            if (!o.known()) {
                return false;
            }
            if (rule.uid() != null && o.uid() != rule.uid()) {
                return false;
            }
            return exe == null || o.exe() != null && exe.matches(o.exe());
        }
    }
}
