package io.upcall.core.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.channel.WallClock;
import io.upcall.core.device.DeviceChannel;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.core.pipeline.LiveContext;
import io.upcall.core.pipeline.Pipeline;
import io.upcall.linux.NetlinkSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A channel whose reading thread dies while the stream goes on says so in the stream (issue 10: it was silent). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NetlinkSourceKernelIT {

    @Test
    void aReaderThatDiesPutsALossEventIntoTheStream() throws Exception {
        LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> errors = new LinkedBlockingQueue<>();
        Pipeline pipeline = new Pipeline(100, List.of(), List.of((e, end) -> events.add(e)),
                (where, t) -> errors.add(where + ": " + t), Instant::now);
        pipeline.start();
        AtomicReference<NetlinkSocket> socket = new AtomicReference<>();
        LiveContext context = new LiveContext(DeviceChannel.INSTANCE, pipeline.publisher("device"), null,
                WallClock.system(), 0, w -> { }, (where, t) -> errors.add(where + ": " + t));
        // A uevent socket on no group: any user may open it, and nothing arrives on it.
        NetlinkSource source = NetlinkSource.open(new NetlinkSource.Spec("device", NetlinkSocket.NETLINK_KOBJECT_UEVENT, 8192,
                "overflow"), 0, s -> {
                    s.bind(0);
                    socket.set(s);
                }, new NetlinkSource.Reading.Inline((message, envelope, received, out) -> { }), context);
        try {
            socket.get().close(); // the fault: the reader's next receive fails
            Event notice = events.poll(10, TimeUnit.SECONDS);
            assertThat(notice).isInstanceOf(LossEvent.class);
            LossEvent loss = (LossEvent) notice;
            assertThat(loss.channel()).isEqualTo("device");
            assertThat(loss.count()).isEqualTo(LossEvent.UNKNOWN);
            assertThat(loss.reason()).startsWith("the device channel stopped: ").endsWith("nothing more comes from it");
            assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("device source: "));
        } finally {
            source.close();
            pipeline.close(Duration.ofSeconds(5));
        }
    }
}
