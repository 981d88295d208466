package io.upcall.core.acct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.Upcall;
import io.upcall.core.channel.Availability;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Exit records from the running kernel: the figures a known workload must show, and loss never silent. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AcctKernelIT {
    @TempDir
    Path tmp;

    @BeforeEach
    void live() {
        Availability a = AcctChannel.INSTANCE.probe();
        assumeTrue(a.available(), a.detail());
    }

    private static List<Event> run(AcctOptions options, Predicate<List<Event>> done, String... command) throws Exception {
        List<Event> seen = Collections.synchronizedList(new ArrayList<>());
        try (Upcall upcall = Upcall.builder().source(options).subscribe((e, end) -> seen.add(e)).start()) {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("workload finished").isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (int i = 0; i < 100 && System.nanoTime() < deadline; i++) {
                synchronized (seen) {
                    if (done.test(seen)) {
                        break;
                    }
                }
                Thread.sleep(100);
            }
        }
        return new ArrayList<>(seen);
    }

    private static List<AcctEvent> records(List<Event> events, String comm) {
        return events.stream().filter(e -> e instanceof AcctEvent a && comm.equals(a.stats().comm()))
                .map(AcctEvent.class::cast).toList();
    }

    @Test
    void aWritersRecordShowsItsBytesCpuAndExit() throws Exception {
        Path out = tmp.resolve("f");
        long parent = ProcessHandle.current().pid();
        List<Event> events = run(AcctOptions.defaults(), s -> !records(s, "sh").isEmpty(), "sh", "-c",
                "dd if=/dev/zero of=" + out + " bs=1M count=4 conv=fsync; exit 7");
        List<AcctEvent> dd = records(events, "dd");
        assertThat(dd).hasSize(1);
        AcctEvent d = dd.getFirst();
        assertThat(d.stats().get(TaskstatsField.WRITE_BYTES)).isGreaterThanOrEqualTo(4L << 20);
        assertThat(d.stats().get(TaskstatsField.WRITE_CHAR)).isGreaterThanOrEqualTo(4L << 20);
        assertThat(d.stats().get(TaskstatsField.AC_ETIME)).isPositive();
        assertThat(d.exitCode()).isZero();
        AcctEvent sh = records(events, "sh").stream().filter(e -> e.stats().get(TaskstatsField.AC_PPID) == parent)
                .findFirst().orElseThrow();
        assertThat(sh.exitCode()).isEqualTo(7);
        assertThat(d.stats().get(TaskstatsField.AC_PPID)).isEqualTo(sh.pid());
        Files.deleteIfExists(out);
    }

    /**
     * A small buffer and a burst of 300 processes: either every one of them has its record, or the stream says
     * records were lost. What must never happen is records missing without a loss event.
     */
    @Test
    void aBurstIsEitherCompleteOrReportedLost() throws Exception {
        AcctOptions small = new AcctOptions(AcctOptions.ANY, null, false, 4096);
        List<Event> events = run(small, s -> s.stream().anyMatch(e -> e instanceof LossEvent)
                || records(s, "true").size() >= 300, "sh", "-c", "for i in $(seq 300); do /bin/true; done");
        boolean loss = events.stream().anyMatch(e -> e instanceof LossEvent l && l.channel().equals(AcctChannel.NAME));
        if (!loss) {
            assertThat(records(events, "true")).hasSizeGreaterThanOrEqualTo(300);
        }
    }
}
