package io.upcall.core.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.KernelTests;
import io.upcall.core.Upcall;
import io.upcall.core.event.Event;
import io.upcall.core.event.RejectedEvent;
import io.upcall.core.proc.ProcConnectorSource;
import io.upcall.core.proc.ProcOptions;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.linux.NetlinkSocket;
import io.upcall.protocol.cnproc.ProcEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Only the kernel is believed: a well-formed proc event sent by another socket is rejected, never delivered. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SenderVerificationKernelIT {

    @Test
    void aForgedExitFromUserSpaceIsRejected() throws Exception {
        KernelTests.assumeProcConnector();
        LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Upcall upcall = Upcall.builder().source(ProcOptions.defaults().withProcessContext(false))
                .subscribe((e, end) -> events.add(e)).start();
        ProcConnectorSource source = (ProcConnectorSource) upcall.channel(ProcChannel.NAME).orElseThrow();
        try (NetlinkSocket forger = NetlinkSocket.open(NetlinkSocket.NETLINK_CONNECTOR)) {
            forger.bind(0);
            byte[] forged = Files.readAllBytes(Path.of("src/test/resources/fixtures/proc/exit_status_7.bin"));
            forger.sendTo(source.portId(), forged);
            RejectedEvent rejected = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (rejected == null && System.nanoTime() < deadline) {
                Event next = events.poll(100, TimeUnit.MILLISECONDS);
                if (next instanceof RejectedEvent r) {
                    rejected = r;
                }
                assertThat(next instanceof ProcessEvent pe && pe.kernel() instanceof ProcEvent.Exit x && x.tgid() == 15806)
                        .as("the forged exit (tgid 15806, from the fixture) must not be delivered").isFalse();
            }
            assertThat(rejected).isNotNull();
            assertThat(rejected.senderPort()).isEqualTo(forger.portId());
            assertThat(rejected.channel()).isEqualTo("proc");
        } finally {
            upcall.close();
        }
    }
}
