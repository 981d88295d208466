package io.upcall.core.hotplug;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Shell-style wildcards, as udev's rules and {@code fnmatch(3)} without flags read them: {@code *} any
 * characters ({@code /} included), {@code ?} one character, {@code [abc]}, {@code [a-z]}, {@code [!a]} or
 * {@code [^a]} one of (or none of) a set, {@code \} takes the next character literally. The whole value
 * must match. Compiled once into a {@link Pattern}.
 */
final class Glob {
    private Glob() {}

    /** @throws IllegalArgumentException naming the fault, for a glob that is not well formed */
    static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder(glob.length() + 8);
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '\\' -> {
                    if (i == glob.length()) {
                        throw bad(glob, "it ends with a lone '\\'");
                    }
                    regex.append(Pattern.quote(String.valueOf(glob.charAt(i++))));
                }
                case '[' -> i = charClass(glob, i, regex);
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        try {
            return Pattern.compile(regex.toString(), Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            throw bad(glob, e.getDescription());
        }
    }

    /** Appends the class that starts after the {@code [} at {@code from}; returns the index after its {@code ]}. */
    private static int charClass(String glob, int from, StringBuilder regex) {
        int i = from;
        regex.append('[');
        if (i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^')) {
            regex.append('^');
            i++;
        }
        int first = i;
        while (i < glob.length() && (glob.charAt(i) != ']' || i == first)) {
            char c = glob.charAt(i++);
            boolean escaped = c == '\\' && i < glob.length();
            if (escaped) {
                c = glob.charAt(i++);
            }
            // An unescaped '-' between two characters is a range; everything else is literal in a glob's class.
            if (c == '-' && !escaped && i - 1 > first && i < glob.length() && glob.charAt(i) != ']') {
                regex.append('-');
            } else if (Character.isLetterOrDigit(c)) {
                regex.append(c); // a backslash before a letter or digit means something else to Pattern
            } else {
                regex.append('\\').append(c);
            }
        }
        if (i == glob.length()) {
            throw bad(glob, "'[' at " + (from - 1) + " is not closed by ']'");
        }
        regex.append(']');
        return i + 1;
    }

    private static IllegalArgumentException bad(String glob, String why) {
        return new IllegalArgumentException("bad glob '" + glob + "': " + why);
    }
}
