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

/** Taking over a running process as a job: the children it has (from /proc) and those it forks later all count. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobAdoptKernelIT {

    @Test
    void aRunningProcessAndItsExistingAndLaterChildrenAreTheJob() throws Exception {
        assumeTrue(AcctChannel.INSTANCE.probe().available(), "taskstats unavailable");
        // The shell forks its two sleeps, then waits on its standard input (read is a builtin: no fork) until the job
        // is adopted, so that true is forked afterwards however slowly this machine starts the stream; a timed script
        // raced the stream's start on a loaded machine.
        Process sh = new ProcessBuilder("sh", "-c",
                "sleep 30 & a=$!; sleep 30 & b=$!; read go; /bin/true; kill $a $b; wait").start();
        JobTracker job = new JobTracker("adopted", List.of("sh"), (int) ProcessHandle.current().pid());
        ProcOptions forks = ProcOptions.defaults().withEvents(Set.of(ProcEventType.FORK)).withProcessContext(false);
        List<Integer> tree;
        try (Upcall upcall = Upcall.builder().source(forks).source(AcctOptions.defaults()).subscribe(job).start()) {
            tree = List.of();
            long started = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (int i = 0; i < 200 && tree.size() < 3 && System.nanoTime() < started; i++) {
                Thread.sleep(50); // until both sleeps run (seeded from /proc); true comes later (a fork event)
                tree = ProcChildren.tree(java.nio.file.Path.of("/proc"), (int) sh.pid());
            }
            assertThat(tree).as("the shell and its two sleeps").hasSize(3);
            job.adopt((int) sh.pid(), Instant.now(), tree);
            sh.getOutputStream().write('\n');
            sh.getOutputStream().close();
            assertThat(sh.waitFor(20, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (int i = 0; i < 200 && !job.ended(TimeUnit.MILLISECONDS.toNanos(300)) && System.nanoTime() < deadline; i++) {
                Thread.sleep(50);
            }
            assertThat(job.ended(0)).as("the job ended").isTrue();
        } finally {
            sh.destroyForcibly();
        }
        JobEvent r = job.record(Instant.now());
        // A lost fork (ENOBUFS under a fork storm) means a missed member: not yet rescanned from /proc, only reported.
        assumeTrue(r.losses().isEmpty(), "events were lost: " + r.losses());
        assertThat(r.commands()).containsEntry("sleep", 2).containsEntry("true", 1).containsEntry("sh", 1);
    }
}
