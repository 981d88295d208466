package io.upcall.core.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.channel.ChannelContext;
import io.upcall.core.channel.Deferred;
import io.upcall.core.channel.Envelope;
import io.upcall.core.channel.LiveChannel;
import io.upcall.core.channel.WallClock;
import io.upcall.core.event.ErrorHandler;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code FAN_Q_OVERFLOW} becomes a loss event: the reading thread is held in its first publish while a child creates
 * 20000 files in a marked temporary directory, more than the kernel's 16384-event queue holds.
 */
@Timeout(120)
class FileOverflowKernelIT {
    @TempDir
    Path tmp;

    @Test
    void aFullQueueIsReportedAsLoss() throws Exception {
        FileStream.assumeFanotify();
        Path dir = tmp.toRealPath();
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        List<Event> events = new ArrayList<>();
        ChannelContext context = new ChannelContext() {
            private final WallClock clock = WallClock.system();

            @Override
            public void publish(Event[] batch, int count) {
                holding.countDown();
                try {
                    hold.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (events) {
                    events.addAll(List.of(batch).subList(0, count));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void publishDeferred(Deferred work, int messages) {
                throw new AssertionError("the file channel decodes inline");
            }

            @Override
            public void stopped(String reason) {}

            @Override
            public void tap(MemorySegment message, Envelope envelope, Instant received) {}

            @Override
            public boolean tapped() {
                return false;
            }

            @Override
            public WallClock clock() {
                return clock;
            }

            @Override
            public long batchDelayNanos() {
                return 0;
            }

            @Override
            public void warn(String warning) {}

            @Override
            public ErrorHandler errors() {
                return (where, e) -> { };
            }
        };
        FileOptions options = FileOptions.of(List.of(dir.toString())).withEvents(EnumSet.of(FileEventType.CREATE))
                .withProcessContext(false);
        LiveChannel live = FileChannel.INSTANCE.open(options, context);
        try {
            FileStream.sh("touch '" + dir + "/first'");
            assertThat(holding.await(20, TimeUnit.SECONDS)).as("the reader is held in its first publish").isTrue();
            FileStream.sh("cd '" + dir + "' && python3 -c 'import os\nfor i in range(20000): os.close(os.open(str(i), "
                    + "os.O_CREAT | os.O_WRONLY))'");
            hold.countDown();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                synchronized (events) {
                    if (events.stream().anyMatch(e -> e instanceof LossEvent)) {
                        break;
                    }
                }
                Thread.sleep(50);
            }
        } finally {
            hold.countDown();
            live.close();
        }
        synchronized (events) {
            LossEvent loss = (LossEvent) events.stream().filter(e -> e instanceof LossEvent).findFirst().orElse(null);
            assertThat(loss).as("FAN_Q_OVERFLOW reported").isNotNull();
            assertThat(loss.channel()).isEqualTo("file");
            assertThat(loss.reason()).contains("overflowed");
            long created = events.stream().filter(e -> e instanceof FileEvent).count();
            assertThat(created).as("what the queue held was still delivered").isBetween(16_000L, 19_999L);
        }
        assertThat(Files.exists(dir.resolve("19999"))).isTrue();
    }
}
