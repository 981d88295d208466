package io.upcall.core.guard;

import io.upcall.core.event.Event;
import io.upcall.core.event.EventSink;
import io.upcall.core.event.LossEvent;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Answers, with the on-timeout verdict, every pending event nobody answered by its {@code answerBy} (a little before
 * its deadline). Pending events are in deadline order, so it looks only at the oldest. It does nothing that can block:
 * no {@code /proc}, no policy; the events it publishes carry the pid alone. It also retires a decision thread stuck
 * for longer than a deadline and starts another.
 */
final class Watchdog implements Runnable {
    private final Guard guard;
    private final GuardOptions options;
    private final Supplier<EventSink> sinks;
    private final long tick;
    private volatile boolean stopping;

    Watchdog(Guard guard, GuardOptions options, Supplier<EventSink> sinks) {
        this.guard = guard;
        this.options = options;
        this.sinks = sinks;
        // A new event's answerBy is at least deadline - slack away: sleeping up to the slack never misses one.
        this.tick = Math.max(1_000_000L, Math.min(options.slackNanos() / 2, 10_000_000L));
    }

    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        EventSink sink = sinks.get();
        boolean saidStuck = false;
        try {
            while (!stopping) {
                long now = System.nanoTime();
                Pending head = guard.byDeadline.peek();
                if (head != null && head.isAnswered()) {
                    guard.byDeadline.poll();
                    continue;
                }
                if (head != null && now - head.answerBy() >= 0) {
                    guard.byDeadline.poll();
                    if (head.claim()) {
                        publish(sink, guard.answer(head, options.onTimeout(), "timeout", true, null));
                    }
                    continue;
                }
                Decider d = guard.decider();
                if (d != null && d.busyFor(now) > options.deadline().toNanos()) {
                    if (!guard.startDecider() && !saidStuck) {
                        saidStuck = true;
                        publish(sink, new LossEvent(Instant.now(), Guard.CHANNEL, LossEvent.UNKNOWN, Guard.MAX_STUCK_DECIDERS
                                + " decision threads are stuck in the policy: every access now gets the on-timeout verdict"));
                    }
                }
                long wait = head == null ? tick : Math.min(tick, head.answerBy() - now);
                LockSupport.parkNanos(Math.max(wait, 10_000L));
            }
            // Stopping: nothing reads any more, so nothing new comes; answer all that is left.
            Pending p;
            while ((p = guard.byDeadline.poll()) != null) {
                if (p.claim()) {
                    publish(sink, guard.answer(p, options.onTimeout(), "shutdown", true, null));
                }
            }
        } finally {
            sink.flush();
        }
    }

    /** A new array each time: the stream keeps the array it is given until the event is delivered. */
    private static void publish(EventSink sink, Event event) {
        sink.publish(new Event[] {event}, 1);
    }
}
