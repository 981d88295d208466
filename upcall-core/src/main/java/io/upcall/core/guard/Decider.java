package io.upcall.core.guard;

import io.upcall.core.event.Event;
import io.upcall.core.event.EventSink;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A decision thread: takes pending events in order, asks the policy, answers if the watchdog has not, and publishes.
 * The opener's context for the stream comes after the answer, from a short-lived cache ({@link OpenerCache}); a
 * policy that needs it reads it fresh before. When the watchdog {@link #retire() retires} it (it stayed stuck too
 * long), it stops at its next event and a new one takes over.
 */
final class Decider implements Runnable {
    private final Guard guard;
    private final GuardOptions options;
    private final Supplier<EventSink> sinks;
    private final CountDownLatch ended = new CountDownLatch(1);
    /** When the current decision began ({@link System#nanoTime()}), 0 while waiting for one. */
    private volatile long busySince;
    private volatile boolean retired;

    Decider(Guard guard, GuardOptions options, Supplier<EventSink> sinks) {
        this.guard = guard;
        this.options = options;
        this.sinks = sinks;
    }

    @Override
    public void run() {
        EventSink sink = sinks.get();
        long collected = System.nanoTime();
        try {
            while (guard.running() && !retired) {
                long now = System.nanoTime();
                if (!guard.outbox.isEmpty() && now - collected >= Outbox.COLLECT_NANOS) {
                    collect(sink);
                    collected = now;
                }
                Pending p = guard.decisions.poll(guard.outbox.isEmpty() ? 50_000_000L : Outbox.COLLECT_NANOS,
                        TimeUnit.NANOSECONDS);
                if (p == null || p.isAnswered()) {
                    continue;
                }
                busySince = System.nanoTime() | 1; // never 0
                AccessEvent e;
                try {
                    e = decide(p);
                } catch (RuntimeException bug) {
                    e = null; // the watchdog answers it; the thread goes on with the next
                } finally {
                    busySince = 0;
                }
                if (e != null) {
                    sink.publish(new Event[] {e}, 1); // a new array: the stream keeps it until delivery
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            collect(sink);
            sink.flush();
            ended.countDown();
        }
    }

    /** Publishes, in one batch, what the reading thread answered, each with the opener's context. */
    private void collect(EventSink sink) {
        java.util.List<AccessEvent> answered = guard.outbox.drain();
        if (answered.isEmpty()) {
            return;
        }
        Event[] batch = new Event[answered.size()];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = withContext(answered.get(i));
        }
        sink.publish(batch, batch.length);
    }

    /** The event to publish, or null when the watchdog answered first (it published its own). */
    private AccessEvent decide(Pending p) {
        AccessRequest request = new AccessRequest(p.operation(), p.path(), p.pid(), guard.openers());
        Decision d;
        try {
            d = guard.policy().decide(request);
        } catch (RuntimeException e) {
            d = null;
        }
        if (!p.claim()) {
            return null;
        }
        if (d == null) {
            return guard.answer(p, options.onTimeout(), "error", true, request.openerIfRead());
        }
        return withContext(guard.answer(p, d.verdict(), d.rule(), false, request.openerIfRead()));
    }

    /** The event with the opener's context, for the stream only, after the answer: the opener no longer waits on it. */
    private AccessEvent withContext(AccessEvent answered) {
        if (answered.process().known()) {
            guard.contexts.put(answered.process());
            return answered;
        }
        return new AccessEvent(answered.time(), answered.operation(), answered.verdict(), answered.rule(), answered.path(),
                guard.contexts.get(answered.process().pid()), answered.latencyMicros(), answered.timedOut());
    }

    /** Nanos since the decision under way began, or -1 when none is. */
    long busyFor(long now) {
        long since = busySince;
        return since == 0 ? -1 : now - since;
    }

    void retire() {
        retired = true;
    }

    void awaitEnd(long millis) throws InterruptedException {
        ended.await(millis, TimeUnit.MILLISECONDS);
    }
}
