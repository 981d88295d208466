package io.upcall.core.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.KernelTests;
import io.upcall.core.Upcall;
import io.upcall.core.event.Event;
import io.upcall.protocol.cnproc.ProcEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A clean stop loses nothing the kernel had already delivered: what waits in the socket's queue when the stream is
 * closed is read and delivered (it was dropped: a stream stopped right after a burst missed its end, with no loss
 * event, since nothing had been lost by the kernel).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrainOnCloseKernelIT {

    @Test
    void eventsQueuedInTheSocketAtCloseAreDelivered() throws Exception {
        KernelTests.assumeProcConnector();
        List<Event> seen = new CopyOnWriteArrayList<>();
        int self = (int) ProcessHandle.current().pid();
        // A long pause after each partial batch: the reader sleeps while the children's events queue in the socket.
        Upcall upcall = Upcall.builder().source(ProcOptions.defaults().withProcessContext(false).withTree(self)
                .withEvents(java.util.Set.of(ProcEventType.EXIT))).batchDelay(Duration.ofSeconds(5))
                .subscribe((e, end) -> seen.add(e)).start();
        List<Long> children = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Process p = new ProcessBuilder("/bin/true").start();
                p.waitFor(5, TimeUnit.SECONDS);
                children.add(p.pid());
            }
        } finally {
            upcall.close(); // within the reader's 5 s pause: the exits are still in the socket
        }
        List<Long> exited = seen.stream().filter(e -> e instanceof ProcessEvent pe && pe.kernel() instanceof ProcEvent.Exit)
                .map(e -> (long) ((ProcessEvent) e).kernel().subjectTgid()).toList();
        assertThat(exited).containsAll(children);
    }
}
