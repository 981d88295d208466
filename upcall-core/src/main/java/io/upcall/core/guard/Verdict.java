package io.upcall.core.guard;

/** The answer to a permission event: {@code FAN_ALLOW} or {@code FAN_DENY} (the opener's call fails with EPERM). */
public enum Verdict {
    ALLOW("allow"),
    DENY("deny");

    private final String word;

    Verdict(String word) {
        this.word = word;
    }

    /** The name in the stream and on the command line: {@code allow}, {@code deny}. */
    public String word() {
        return word;
    }

    /** The verdict named {@code word} ({@code allow} or {@code deny}). */
    public static Verdict of(String word) {
        for (Verdict v : values()) {
            if (v.word.equals(word)) {
                return v;
            }
        }
        throw new IllegalArgumentException("'" + word + "' is not a verdict: use allow or deny");
    }
}
