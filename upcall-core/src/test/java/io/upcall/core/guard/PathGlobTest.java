package io.upcall.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The guard's globs: the hotplug rules' language, matched without backtracking. */
class PathGlobTest {

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "*/evil          | /tmp/x/evil          | true",
        "*/evil          | /tmp/x/evil2         | false",
        "*               | /                    | true",
        "*               | ''                   | true",
        "/tmp/*          | /tmp/a/b/c           | true",
        "/tmp/?          | /tmp/a               | true",
        "/tmp/?          | /tmp/ab              | false",
        "/tmp/[ab]*      | /tmp/bx              | true",
        "/tmp/[!ab]*     | /tmp/bx              | false",
        "/tmp/[^ab]*     | /tmp/cx              | true",
        "/tmp/[a-c]      | /tmp/b               | true",
        "/tmp/[a-c]      | /tmp/d               | false",
        "/tmp/[]]        | /tmp/]               | true",
        "/tmp/[a-]       | /tmp/-               | true",
        "/tmp/\\*        | /tmp/*               | true",
        "/tmp/\\*        | /tmp/a               | false",
        "*a*[bc]*d       | xaybzzd              | true",
        "*a*[bc]*d       | xaybzz               | false",
        "a**b            | ab                   | true",
        "*.so            | /usr/lib/libc.so.6   | false",
        "*.so*           | /usr/lib/libc.so.6   | true",
    })
    void matchesAsTheShellDoes(String glob, String path, boolean expected) {
        assertThat(PathGlob.compile(glob).matches(path)).isEqualTo(expected);
    }

    @Test
    @Timeout(10) // a hang guard, not a measurement: a backtracking matcher takes hours here
    void aPathChosenToDefeatBacktrackingDoesNotStallIt() {
        String path = "/tmp/" + "a".repeat(4000);
        assertThat(PathGlob.compile("*a*a*a*a*a*a*a*a*a*a*b").matches(path)).isFalse();
        assertThat(PathGlob.compile("*a*a*a*a*a*a*a*a*a*a*").matches(path)).isTrue();
    }

    @Test
    void badGlobsSayWhy() {
        assertThatThrownBy(() -> PathGlob.compile("/tmp/[ab")).hasMessageContaining("is not closed");
        assertThatThrownBy(() -> PathGlob.compile("/tmp/\\")).hasMessageContaining("lone");
    }
}
