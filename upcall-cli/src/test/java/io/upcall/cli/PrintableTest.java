package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a terminal would act on comes out as its code; everything else, in any script, as it was. */
class PrintableTest {

    @Test
    void escapesC0AndDelAndC1Controls() {
        assertThat(Printable.escape("\u001b[2J\u001b]0;owned\u0007x")).isEqualTo("\\x1b[2J\\x1b]0;owned\\x07x");
        assertThat(Printable.escape("a\nb\tc\rd\u0000e\u007f")).isEqualTo("a\\x0ab\\x09c\\x0dd\\x00e\\x7f");
        assertThat(Printable.escape("\u009b2J\u0085")).as("C1: a one-byte CSI, NEL").isEqualTo("\\x9b2J\\x85");
    }

    @Test
    void escapesInvisibleAndReorderingUnicode() {
        assertThat(Printable.escape("evil\u202egpj.exe")).as("right-to-left override").isEqualTo("evil\\u202egpj.exe");
        assertThat(Printable.escape("a\u2066b\u2069c\u200bd\u200fe\ufefff")).isEqualTo("a\\u2066b\\u2069c\\u200bd\\u200fe\\ufefff");
        assertThat(Printable.escape("x\u2028y\u2029z")).isEqualTo("x\\u2028y\\u2029z");
        assertThat(Printable.escape("hi" + new String(Character.toChars(0xe0041)))).as("a tag character, invisible")
                .isEqualTo("hi\\U000e0041");
        assertThat(Printable.escape("lone \ud800 half")).isEqualTo("lone \\ud800 half");
    }

    @Test
    void leavesPrintableTextOfAnyScriptAlone() {
        String text = "sh -c 'exit 7' caf\u00e9 \u65e5\u672c\u8a9e \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \ud83d\ude00 \\x1b";
        assertThat(Printable.escape(text)).isEqualTo(text);
        String ascii = "plain ascii";
        assertThat(Printable.escape(ascii)).isSameAs(ascii);
        assertThat(Printable.escape(null)).isNull();
    }

    /** Over every code point: what comes out never holds one a terminal acts on. */
    @Test
    void nothingThatActsSurvives() {
        StringBuilder all = new StringBuilder();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            all.appendCodePoint(cp);
        }
        String escaped = Printable.escape(all.toString());
        assertThat(escaped.codePoints().filter(Printable::acts).count()).isZero();
    }
}
