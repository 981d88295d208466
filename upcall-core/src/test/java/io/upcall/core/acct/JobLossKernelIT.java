package io.upcall.core.acct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.Upcall;
import io.upcall.core.proc.ProcEventType;
import io.upcall.core.proc.ProcOptions;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A job whose forks are lost: the proc channel reads through the smallest receive buffer the kernel allows while the
 * job forks 300 processes at once, so {@code ENOBUFS} drops forks. The members are found all the same, by the rescan
 * of {@code /proc} and by the parent pid in their exit records; the acct channel, with a large buffer, loses nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JobLossKernelIT {
    private static final int CHILDREN = 300;

    @Test
    void membersWhoseForksWereLostAreStillCounted() throws Exception {
        assumeTrue(AcctChannel.INSTANCE.probe().available(), "taskstats unavailable");
        JobTracker job = new JobTracker("lossy", List.of("sh"), (int) ProcessHandle.current().pid());
        ProcOptions forks = ProcOptions.defaults().withEvents(Set.of(ProcEventType.FORK)).withProcessContext(false)
                .withReceiveBuffer(1); // the kernel raises it to its minimum (about 4.5 KiB): a few events
        AcctOptions records = AcctOptions.defaults().withReceiveBuffer(8 << 20);
        JobEvent r;
        try (Upcall upcall = Upcall.builder().source(forks).source(records).subscribe(job).start()) {
            Instant starting = Instant.now();
            Process sh = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt " + CHILDREN + " ]; do /bin/true & i=$((i+1)); "
                    + "done; wait").start();
            job.root((int) sh.pid(), starting);
            try {
                assertThat(sh.waitFor(60, TimeUnit.SECONDS)).isTrue();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                for (int i = 0; i < 600 && !job.ended(TimeUnit.MILLISECONDS.toNanos(300)) && System.nanoTime() < deadline; i++) {
                    Thread.sleep(50);
                }
                assertThat(job.ended(0)).as("the job ended").isTrue();
            } finally {
                sh.destroyForcibly();
            }
            r = job.record(Instant.now());
        }
        assumeTrue(r.losses().containsKey("proc"), "no fork was lost this time: nothing to recover " + r.losses());
        assumeTrue(!r.losses().containsKey("acct"), "exit records were lost too: " + r.losses());
        assertThat(r.commands()).as(r.losses().toString()).containsEntry("true", CHILDREN).containsEntry("sh", 1);
        assertThat(r.unaccounted()).isZero();
    }
}
