package io.upcall.core.acct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.Upcall;
import io.upcall.core.event.Event;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real sysctl: while held, a synchronous writer's block I/O waits are counted (they stay 0 with delay accounting
 * off); afterwards the sysctl is as it was found.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DelayAccountingKernelIT {

    @Test
    void delaysAreCountedWhileHeldAndTheSysctlIsRestored() throws Exception {
        assumeTrue(Files.isWritable(DelayAccounting.SYSCTL), "needs root to write " + DelayAccounting.SYSCTL);
        assumeTrue(AcctChannel.INSTANCE.probe().available(), "taskstats unavailable");
        String before = Files.readString(DelayAccounting.SYSCTL, StandardCharsets.US_ASCII).strip();
        List<Event> seen = Collections.synchronizedList(new ArrayList<>());
        // On the disk the build runs on (target/), not a tmpfs: each dsync write waits for the block device.
        java.nio.file.Path probe = java.nio.file.Path.of("target", "delay-probe-" + ProcessHandle.current().pid());
        try (DelayAccounting held = DelayAccounting.enable()) {
            assertThat(Files.readString(DelayAccounting.SYSCTL).strip()).isEqualTo("1");
            try (Upcall upcall = Upcall.builder().source(new AcctOptions(AcctOptions.ANY, "dd", false, 1 << 20))
                    .subscribe((e, end) -> seen.add(e)).start()) {
                new ProcessBuilder("dd", "if=/dev/zero", "of=" + probe, "bs=64k", "count=16", "oflag=dsync")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                        .waitFor(30, TimeUnit.SECONDS);
                for (int i = 0; i < 50 && seen.isEmpty(); i++) {
                    Thread.sleep(100);
                }
            }
        } finally {
            // Restore even if the assertions above failed.
            Files.deleteIfExists(probe);
            if (!Files.readString(DelayAccounting.SYSCTL).strip().equals(before)) {
                Files.writeString(DelayAccounting.SYSCTL, before);
            }
        }
        assertThat(Files.readString(DelayAccounting.SYSCTL, StandardCharsets.US_ASCII).strip()).isEqualTo(before);
        assertThat(seen).isNotEmpty();
        AcctEvent dd = (AcctEvent) seen.getFirst();
        assertThat(dd.stats().get(TaskstatsField.BLKIO_COUNT)).as(dd.stats().toString()).isPositive();
        assertThat(dd.stats().get(TaskstatsField.BLKIO_DELAY_TOTAL)).isPositive();
    }
}
