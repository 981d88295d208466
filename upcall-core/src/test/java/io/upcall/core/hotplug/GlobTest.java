package io.upcall.core.hotplug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GlobTest {

    private static boolean matches(String glob, String value) {
        return Glob.compile(glob).matcher(value).matches();
    }

    @Test
    void starMatchesAnythingSlashesIncludedAsUdevDoes() {
        assertThat(matches("/devices/virtual/net/*", "/devices/virtual/net/lo")).isTrue();
        assertThat(matches("/devices/virtual/net/*", "/devices/virtual/net/lo/queues/rx-0")).isTrue();
        assertThat(matches("/devices/virtual/net/*", "/devices/virtual/block/loop0")).isFalse();
        assertThat(matches("eth*", "eth0")).isTrue();
        assertThat(matches("eth*", "veth0")).isFalse();
    }

    @Test
    void questionMarkIsOneCharacter() {
        assertThat(matches("sd?", "sda")).isTrue();
        assertThat(matches("sd?", "sda1")).isFalse();
    }

    @Test
    void classesRangesAndNegation() {
        assertThat(matches("sd[a-c]", "sdb")).isTrue();
        assertThat(matches("sd[a-c]", "sdd")).isFalse();
        assertThat(matches("sd[!a-c]", "sdd")).isTrue();
        assertThat(matches("sd[^a-c]", "sda")).isFalse();
        assertThat(matches("x[]]", "x]")).isTrue(); // ']' first in a class is literal
        assertThat(matches("x[-a]", "x-")).isTrue(); // so is '-' at an end
        assertThat(matches("x[\\d]", "xd")).isTrue(); // no regex classes sneak in
        assertThat(matches("x[\\d]", "x1")).isFalse();
    }

    @Test
    void everythingElseIsLiteral() {
        assertThat(matches("a.b", "a.b")).isTrue();
        assertThat(matches("a.b", "axb")).isFalse();
        assertThat(matches("a\\*b", "a*b")).isTrue();
        assertThat(matches("a\\*b", "axb")).isFalse();
        assertThat(matches("(x)+$", "(x)+$")).isTrue();
    }

    @Test
    void malformedGlobsSayWhy() {
        assertThatThrownBy(() -> Glob.compile("sd[ab")).hasMessageContaining("bad glob 'sd[ab'").hasMessageContaining("not closed");
        assertThatThrownBy(() -> Glob.compile("abc\\")).hasMessageContaining("lone '\\'");
        assertThatThrownBy(() -> Glob.compile("[z-a]")).hasMessageContaining("bad glob '[z-a]'");
    }
}
