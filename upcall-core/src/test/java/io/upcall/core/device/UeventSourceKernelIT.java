package io.upcall.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.KernelTests;
import io.upcall.core.Upcall;
import io.upcall.core.event.Event;
import io.upcall.core.event.RejectedEvent;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Uevents against the running kernel: a synthetic uevent comes back exactly once; a forged one is rejected. Both go to
 * every uevent listener on the host (udev, other monitors), so both are {@code change} events on {@code lo}, which no
 * one acts on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UeventSourceKernelIT {
    /** The loopback device's uevent file: present everywhere, and a "change" on it is harmless. */
    private static final Path LO = Path.of("/sys/class/net/lo/uevent");

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private Upcall start() throws LinuxException {
        assumeTrue(Files.isWritable(LO), "needs root to write " + LO);
        return Upcall.builder().source(DeviceOptions.defaults()).subscribe((e, end) -> events.add(e)).start();
    }

    /**
     * The events that came until one matched {@code last} (at most 20 s: a busy machine may be slow to deliver), and
     * in the second after it, where a duplicate would show. Bounded by count as well as time.
     */
    private List<Event> drainUntil(Predicate<Event> last) throws InterruptedException {
        List<Event> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        boolean found = false;
        for (int i = 0; i < 1_000_000 && System.nanoTime() < deadline; i++) {
            Event e = events.poll(50, TimeUnit.MILLISECONDS);
            if (e != null) {
                seen.add(e);
                if (!found && last.test(e)) {
                    found = true;
                    deadline = Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
                }
            }
        }
        return seen;
    }

    @Test
    void aSyntheticUeventArrivesExactlyOnceWithItsUuidAndArguments() throws Exception {
        try (Upcall _ = start()) {
            String uuid = UUID.randomUUID().toString();
            Files.writeString(LO, "change " + uuid + " UPCALLTEST=1");
            Predicate<Event> isOurs = e -> e instanceof DeviceEvent d && uuid.equals(d.uevent().env().get("SYNTH_UUID"));
            List<DeviceEvent> ours = drainUntil(isOurs).stream().filter(isOurs).map(e -> (DeviceEvent) e).toList();
            assertThat(ours).hasSize(1);
            DeviceEvent e = ours.getFirst();
            assertThat(e.type()).isEqualTo("change");
            assertThat(e.uevent().subsystem()).isEqualTo("net");
            assertThat(e.uevent().env()).containsEntry("SYNTH_ARG_UPCALLTEST", "1");
            assertThat(JsonEventWriter.toJson(e)).contains("\"synth_uuid\":\"" + uuid + "\"", "\"source\":\"device\"");
        }
    }

    @Test
    void aUeventForgedFromUserSpaceIsRejectedAndNeverDelivered() throws Exception {
        try (Upcall _ = start(); NetlinkSocket forger = NetlinkSocket.open(NetlinkSocket.NETLINK_KOBJECT_UEVENT)) {
            forger.bind(0);
            String uuid = UUID.randomUUID().toString();
            KernelTests.forgeUevent(forger, uuid);
            int forgerPort = forger.portId();
            List<Event> seen = drainUntil(e -> e instanceof RejectedEvent r && r.senderPort() == forgerPort);
            assertThat(seen).filteredOn(e -> e instanceof RejectedEvent r && r.senderPort() == forgerPort).hasSize(1);
            assertThat(seen).noneMatch(e -> e instanceof DeviceEvent d && uuid.equals(d.uevent().env().get("SYNTH_UUID")));
        }
    }
}
