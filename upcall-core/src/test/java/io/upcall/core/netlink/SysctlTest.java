package io.upcall.core.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SysctlTest {

    @Test
    void readsAWholeNumericSysctlNotJustItsFirstDigit() {
        assumeTrue(Files.isReadable(Path.of("/proc/sys/net/core/rmem_max")), "needs /proc/sys/net/core/rmem_max");
        String value = Sysctl.read("net.core.rmem_max");
        assertThat(Long.parseLong(value)).isGreaterThanOrEqualTo(4096);
    }

    @Test
    void answersNullForAMissingOne() {
        assertThat(Sysctl.read("no.such.sysctl")).isNull();
    }

    @Test
    void parsesKernelReleases() {
        assertThat(KernelVersion.parse("6.18.44-fc-v782")).isEqualTo(new KernelVersion(6, 18, "6.18.44-fc-v782"));
        assertThat(KernelVersion.parse("6.18.44-fc-v782").atLeast(6, 6)).isTrue();
        assertThat(KernelVersion.parse("5.15.0-91-generic").atLeast(6, 6)).isFalse();
        assertThat(KernelVersion.parse("garbage").atLeast(1, 0)).isFalse();
    }
}
