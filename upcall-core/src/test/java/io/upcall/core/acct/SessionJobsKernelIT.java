package io.upcall.core.acct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.Upcall;
import io.upcall.core.channel.Availability;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.core.proc.ProcEventType;
import io.upcall.core.proc.ProcOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code acct --jobs-only} on the running kernel: a {@code setsid sh -c '...'} with N children is one job record, for
 * its session, counting N+1 processes. Only that session's record is looked at: other sessions of a busy machine come
 * and go meanwhile.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionJobsKernelIT {
    private static final int CHILDREN = 20;

    @Test
    void aNewSessionIsOneJobCountingItsLeaderAndEveryChild() throws Exception {
        Availability a = AcctChannel.INSTANCE.probe();
        assumeTrue(a.available(), a.detail());
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid")),
                "no setsid(1)");
        List<Event> seen = Collections.synchronizedList(new ArrayList<>());
        ProcOptions proc = ProcOptions.defaults().withEvents(Set.of(ProcEventType.FORK, ProcEventType.SID))
                .withProcessContext(false);
        AcctOptions acct = AcctOptions.defaults().withJobs(AcctOptions.Jobs.ONLY).withReceiveBuffer(8 << 20);
        int sid;
        JobEvent job = null;
        try (Upcall upcall = Upcall.builder().source(acct).source(proc).subscribe((e, end) -> seen.add(e)).start()) {
            // The shell says its pid, which is the session's id: setsid(1) may fork before it calls setsid().
            Process p = new ProcessBuilder("setsid", "sh", "-c", "echo $$; i=0; while [ $i -lt " + CHILDREN
                    + " ]; do /bin/true; i=$((i+1)); done").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                sid = Integer.parseInt(out.readLine().trim());
            } finally {
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("workload finished").isTrue();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int i = 0; i < 400 && job == null && System.nanoTime() < deadline; i++) {
                Thread.sleep(50);
                synchronized (seen) {
                    job = seen.stream().filter(e -> e instanceof JobEvent j && j.session() == sid).map(e -> (JobEvent) e)
                            .findFirst().orElse(null);
                }
            }
        }
        List<Event> all;
        synchronized (seen) {
            all = List.copyOf(seen);
        }
        assertThat(all).as("--jobs-only: no exit record").noneMatch(e -> e instanceof AcctEvent);
        List<Event> losses = all.stream().filter(e -> e instanceof LossEvent).toList();
        assertThat(job).as("the session's job record; losses: %s", losses).isNotNull();
        assumeTrue(losses.isEmpty(), "events were lost meanwhile: " + losses);
        assertThat(all.stream().filter(e -> e instanceof JobEvent j && j.session() == sid)).as("one record").hasSize(1);
        assertThat(job.processes()).isEqualTo(CHILDREN + 1);
        assertThat(job.members()).isEqualTo(CHILDREN + 1);
        assertThat(job.commands()).containsEntry("true", CHILDREN).containsEntry("sh", 1);
        assertThat(job.name()).isEqualTo("sh");
        assertThat(job.pid()).isEqualTo(sid);
        assertThat(job.totals().get(io.upcall.protocol.taskstats.TaskstatsField.AC_UTIME)
                + job.totals().get(io.upcall.protocol.taskstats.TaskstatsField.AC_STIME)
                + job.totals().get(io.upcall.protocol.taskstats.TaskstatsField.CPU_RUN_VIRTUAL_TOTAL)).isPositive();
    }
}
