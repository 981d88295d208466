package io.upcall.core.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Events the reading thread answered itself, waiting for the decision thread to add the opener's context and put
 * them into the stream. Offering never blocks and wakes nobody: the decision thread collects them every few
 * milliseconds, in one batch, so that an open storm costs the opener's CPU no extra wake-up per event. Bounded: when
 * full, the reading thread publishes the event as it is, without context.
 */
final class Outbox {
    static final int CAPACITY = 4096;
    /** How long an answered event may wait for its context: the stream's own batching delay. */
    static final long COLLECT_NANOS = 2_000_000L;

    private final ConcurrentLinkedQueue<AccessEvent> events = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    boolean offer(AccessEvent e) {
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            return false;
        }
        events.add(e);
        return true;
    }

    boolean isEmpty() {
        return size.get() == 0;
    }

    /** What waits now, oldest first. */
    List<AccessEvent> drain() {
        List<AccessEvent> out = new ArrayList<>(Math.max(1, size.get()));
        AccessEvent e;
        while ((e = events.poll()) != null) {
            size.decrementAndGet();
            out.add(e);
        }
        return out;
    }
}
