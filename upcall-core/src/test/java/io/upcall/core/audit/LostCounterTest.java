package io.upcall.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.linux.LinuxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LostCounterTest {
    private static final Instant T0 = Instant.parse("2026-12-02T07:00:00Z");
    private final AtomicLong counter = new AtomicLong(5);
    private final AtomicInteger reads = new AtomicInteger();
    private final LostCounter lost = new LostCounter(() -> {
        reads.incrementAndGet();
        return counter.get();
    });
    private final List<Event> out = new ArrayList<>();

    @Test
    void aRiseIsALossWithTheExactCountAndTheFirstReadIsOnlyABaseline() {
        lost.poll(T0, out);
        assertThat(out).isEmpty();
        counter.set(8);
        lost.poll(T0.plusSeconds(1), out);
        assertThat(out).singleElement().isInstanceOfSatisfying(LossEvent.class, l -> {
            assertThat(l.count()).isEqualTo(3);
            assertThat(l.channel()).isEqualTo("audit");
            assertThat(l.reason()).contains("from 5 to 8");
        });
    }

    @Test
    void itReadsAtMostOncePerInterval() {
        for (int i = 0; i < 10; i++) {
            lost.poll(T0.plusMillis(i * 99L), out);
        }
        assertThat(reads).hasValue(1);
        lost.poll(T0.plusSeconds(1), out);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aWrapOfTheThirtyTwoBitCounterCountsWhatWasLost() {
        counter.set(0xffff_fffeL);
        lost.poll(T0, out);
        counter.set(1);
        lost.poll(T0.plusSeconds(1), out);
        assertThat(((LossEvent) out.getFirst()).count()).isEqualTo(3);
    }

    @Test
    void aCounterThatCannotBeReadIsSaidOnceAndNotReadAgain() {
        LostCounter broken = new LostCounter(() -> {
            reads.incrementAndGet();
            throw new LinuxException("AUDIT_GET(NETLINK_AUDIT)", 1);
        });
        broken.poll(T0, out);
        broken.poll(T0.plusSeconds(5), out);
        assertThat(reads).hasValue(1);
        assertThat(out).singleElement().isInstanceOfSatisfying(LossEvent.class,
                l -> assertThat(l.count()).isEqualTo(LossEvent.UNKNOWN));
    }
}
