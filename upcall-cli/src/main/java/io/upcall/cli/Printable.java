package io.upcall.cli;

/**
 * Makes text that others chose safe to print on a terminal. A process picks its own {@code comm} and command line
 * ({@code exec -a $'\e[2J...'}), a capture file carries whatever bytes its author wrote, a device's properties come
 * from the device: printed raw, an escape sequence in any of them would clear the screen, retitle the window, hide
 * the lines around it, or, on some terminals, write to the clipboard or answer back as if typed.
 *
 * <p>Every human output (the tables, the udevadm-style lines, the relay's log and tables, error messages) passes such
 * text through {@link #escape}: each character that a terminal acts on rather than shows is written as its code in
 * C notation, so it can still be read and no longer acts. That is the C0 controls and DEL ({@code \x1b} for ESC,
 * {@code \x0a} for a newline, {@code \x09} for a tab, which would break a table's columns), the C1 controls
 * ({@code \x9b}, a one-character CSI to some terminals), the invisible format characters (bidirectional overrides
 * U+202E that make text read backwards, zero-width spaces, the tag characters from U+E0000 that hide
 * text), line and paragraph separators, and halves of surrogate pairs. Everything else, any printable letter of any
 * script, passes unchanged; so does the backslash itself, so a literal {@code \x1b} in a name reads the same as an
 * escaped ESC: the output is for people, JSON ({@code --json}) is the exact form.
 */
final class Printable {
    private Printable() {}

    /**
     * {@code text} with every character a terminal would act on written as a backslash and {@code x} and two hex digits
     * (up to U+00FF), {@code u} and four (up to U+FFFF), or {@code U} and eight, as Python writes them.
     */
    static String escape(String text) {
        if (text == null) {
            return null;
        }
        int i = 0;
        while (i < text.length() && plain(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text; // the common case: nothing to escape, nothing copied
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (acts(cp)) {
                out.append(cp <= 0xff ? String.format("\\x%02x", cp) : cp <= 0xffff ? String.format("\\u%04x", cp)
                        : String.format("\\U%08x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    /** Printable ASCII: the fast path, no look-up. */
    private static boolean plain(char c) {
        return c >= 0x20 && c < 0x7f;
    }

    /** Whether a terminal acts on {@code cp} (or may hide or reorder text with it) rather than show it. */
    static boolean acts(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE -> true;
            default -> false;
        };
    }
}
