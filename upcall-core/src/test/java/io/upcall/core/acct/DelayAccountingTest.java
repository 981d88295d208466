package io.upcall.core.acct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Switching delay accounting on puts back what it found, once; on a file standing in for the sysctl. */
class DelayAccountingTest {
    @TempDir
    Path dir;

    @Test
    void onWhileHeldThenBackToWhatWasFound() throws IOException {
        Path sysctl = Files.writeString(dir.resolve("task_delayacct"), "0\n");
        DelayAccounting held = DelayAccounting.enable(sysctl);
        assertThat(held.found()).isEqualTo("0");
        assertThat(Files.readString(sysctl)).isEqualTo("1");
        held.close();
        assertThat(Files.readString(sysctl)).isEqualTo("0");
        Files.writeString(sysctl, "1");
        held.close(); // once: a second close does not undo a change made since
        assertThat(Files.readString(sysctl)).isEqualTo("1");
    }

    @Test
    void alreadyOnStaysOn() throws IOException {
        Path sysctl = Files.writeString(dir.resolve("task_delayacct"), "1\n");
        DelayAccounting.enable(sysctl).close();
        assertThat(Files.readString(sysctl)).isEqualTo("1\n");
    }

    @Test
    void aKernelWithoutItSaysWhy() {
        assertThatThrownBy(() -> DelayAccounting.enable(dir.resolve("missing")))
                .hasMessageContaining("CONFIG_TASK_DELAY_ACCT");
    }
}
