package io.upcall.core.guard;

import java.util.ArrayList;
import java.util.List;

/**
 * Shell-style wildcards for the guard's rules, matched in at most path length × pattern length steps: {@code *} any
 * characters ({@code /} included), {@code ?} one character, {@code [abc]}, {@code [a-z]}, {@code [!a]} or {@code [^a]}
 * one of (or none of) a set, {@code \} takes the next character literally; the whole path must match. The same
 * language as the hotplug rules' globs, but not through {@link java.util.regex.Pattern}: a backtracking regular
 * expression such as {@code .*a.*a.*a.*b} takes time exponential in the stars on a path an attacker can choose
 * ({@code /tmp/aaaa...}), and a guard whose decision stalls answers with the on-timeout verdict, which an attacker
 * would then choose. Here a star only ever moves the last star's restart point forward, never back to an earlier
 * star.
 */
final class PathGlob {
    private static final int STAR = -1;
    private static final int ANY = -2;
    private static final int CLASS = -3;

    /** Per token: a character (≥ 0), {@link #STAR}, {@link #ANY}, or {@link #CLASS} with its set in {@link #sets}. */
    private final int[] tokens;
    private final CharSet[] sets;
    private final String text;

    /** A bracket expression: ranges (single characters are ranges of one), maybe negated. */
    private record CharSet(boolean negated, char[] from, char[] to) {
        boolean contains(char c) {
            for (int i = 0; i < from.length; i++) {
                if (c >= from[i] && c <= to[i]) {
                    return !negated;
                }
            }
            return negated;
        }
    }

    private PathGlob(int[] tokens, CharSet[] sets, String text) {
        this.tokens = tokens;
        this.sets = sets;
        this.text = text;
    }

    /** @throws IllegalArgumentException naming the fault: a lone trailing {@code \}, an unclosed {@code [} */
    static PathGlob compile(String glob) {
        List<Integer> tokens = new ArrayList<>();
        List<CharSet> sets = new ArrayList<>();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            switch (c) {
                case '*' -> {
                    if (tokens.isEmpty() || tokens.getLast() != STAR) {
                        tokens.add(STAR); // ** is *
                    }
                }
                case '?' -> tokens.add(ANY);
                case '\\' -> {
                    if (i == glob.length()) {
                        throw bad(glob, "it ends with a lone '\\'");
                    }
                    tokens.add((int) glob.charAt(i++));
                }
                case '[' -> {
                    int start = i - 1;
                    boolean negated = i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^');
                    if (negated) {
                        i++;
                    }
                    int first = i;
                    StringBuilder from = new StringBuilder();
                    StringBuilder to = new StringBuilder();
                    while (i < glob.length() && (glob.charAt(i) != ']' || i == first)) {
                        char lo = glob.charAt(i++);
                        if (lo == '\\' && i < glob.length()) {
                            lo = glob.charAt(i++);
                        }
                        char hi = lo;
                        if (i + 1 < glob.length() && glob.charAt(i) == '-' && glob.charAt(i + 1) != ']') {
                            hi = glob.charAt(i + 1);
                            i += 2;
                            if (hi == '\\' && i < glob.length()) {
                                hi = glob.charAt(i++);
                            }
                        }
                        from.append(lo);
                        to.append(hi);
                    }
                    if (i == glob.length()) {
                        throw bad(glob, "'[' at " + start + " is not closed by ']'");
                    }
                    i++;
                    tokens.add(CLASS);
                    sets.add(new CharSet(negated, from.toString().toCharArray(), to.toString().toCharArray()));
                }
                default -> tokens.add((int) c);
            }
        }
        return new PathGlob(tokens.stream().mapToInt(Integer::intValue).toArray(), sets.toArray(CharSet[]::new), glob);
    }

    /** Whether all of {@code s} matches. */
    boolean matches(String s) {
        int p = 0;
        int si = 0;
        int starP = -1; // the token after the last star seen, where matching restarts
        int starS = -1; // the position in s that star has consumed up to
        int setAtStar = 0;
        int set = 0; // index into sets of the next CLASS token
        while (si < s.length()) {
            if (p < tokens.length && tokens[p] != STAR && one(p, set, s.charAt(si))) {
                if (tokens[p] == CLASS) {
                    set++;
                }
                p++;
                si++;
            } else if (p < tokens.length && tokens[p] == STAR) {
                starP = ++p;
                starS = si;
                setAtStar = set;
            } else if (starP >= 0) {
                p = starP; // let the last star take one more character, and try again from there
                si = ++starS;
                set = setAtStar;
            } else {
                return false;
            }
        }
        while (p < tokens.length && tokens[p] == STAR) {
            p++;
        }
        return p == tokens.length;
    }

    private boolean one(int p, int set, char c) {
        int t = tokens[p];
        return t == ANY || t == CLASS && sets[set].contains(c) || t == c;
    }

    @Override
    public String toString() {
        return text;
    }

    private static IllegalArgumentException bad(String glob, String why) {
        return new IllegalArgumentException("bad glob '" + glob + "': " + why);
    }
}
