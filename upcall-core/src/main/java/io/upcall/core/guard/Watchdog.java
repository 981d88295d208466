package io.upcall.core.guard;

import io.upcall.core.event.Event;
import io.upcall.core.event.EventSink;
import io.upcall.core.event.LossEvent;
import io.upcall.linux.Scheduling;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Answers, with the on-timeout verdict, every pending event nobody answered by its {@code answerBy} (a little before
 * its deadline). Pending events are in deadline order, so it looks only at the oldest. It does nothing that can block:
 * no {@code /proc}, no policy; the events it publishes carry the pid alone. It also retires a decision thread stuck
 * for longer than a deadline and starts another. A failure of its own is reported and it goes on: it is the one
 * thread that keeps the deadlines, and runs at real-time priority to keep them on a loaded machine.
 */
final class Watchdog implements Runnable {
    private final Guard guard;
    private final GuardOptions options;
    private final Supplier<EventSink> sinks;
    private final long tick;
    private volatile boolean stopping;
    private boolean saidStuck;
    private volatile boolean realtime;

    Watchdog(Guard guard, GuardOptions options, Supplier<EventSink> sinks) {
        this.guard = guard;
        this.options = options;
        this.sinks = sinks;
        // A new event's answerBy is at least deadline - slack away: sleeping up to the slack never misses one.
        this.tick = Math.max(1_000_000L, Math.min(options.slackNanos() / 2, 10_000_000L));
    }

    /** Whether the watchdog got its real-time priority. */
    boolean realtime() {
        return realtime;
    }

    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        EventSink sink = sinks.get();
        // Real-time (SCHED_FIFO 1): on a loaded machine an ordinary thread's wake-up can come 100 ms late, past the
        // deadline it exists to keep. It sleeps between looks, so it takes almost no CPU. Without the privilege (a
        // cgroup without a real-time budget) it stays an ordinary thread, as the slack allows for.
        realtime = Scheduling.realtime(1) == 0;
        try {
            while (!stopping) {
                try {
                    watch(sink);
                } catch (RuntimeException e) {
                    publish(sink, new LossEvent(Instant.now(), Guard.CHANNEL, LossEvent.UNKNOWN,
                            "the guard's watchdog failed (" + e + ") and goes on"));
                    LockSupport.parkNanos(tick);
                }
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

    /** One look at the oldest pending event: answers it if its time has come, else waits until it may have. */
    private void watch(EventSink sink) {
        long now = System.nanoTime();
        Pending head = guard.byDeadline.peek();
        if (head != null && head.isAnswered()) {
            guard.byDeadline.poll();
            return;
        }
        if (head != null && now - head.answerBy() >= 0) {
            guard.byDeadline.poll();
            if (head.claim()) {
                publish(sink, guard.answer(head, options.onTimeout(), "timeout", true, null));
            }
            return;
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

    /** A new array each time: the stream keeps the array it is given until the event is delivered. */
    private static void publish(EventSink sink, Event event) {
        sink.publish(new Event[] {event}, 1);
    }
}
