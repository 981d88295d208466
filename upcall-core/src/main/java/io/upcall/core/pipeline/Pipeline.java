package io.upcall.core.pipeline;

import io.upcall.core.channel.Deferred;
import io.upcall.core.channel.EventStage;
import io.upcall.core.event.ErrorHandler;
import io.upcall.core.event.Event;
import io.upcall.core.event.EventSink;
import io.upcall.core.event.LossEvent;
import io.upcall.core.event.Subscriber;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Carries events from source threads to one dispatch thread, which enriches, filters and delivers
 * them to the subscribers in order. The queue is bounded by a count of events: a source never blocks
 * on it; what does not fit is dropped, counted per source, and reported as a {@link LossEvent} in that
 * source's place in the stream as soon as the queue has room again (or at close).
 *
 * <p>No path loses an event without saying so: a batch whose decoding fails is reported as loss on its channel; a
 * subscriber that fails on an event gets a loss report of its own next; a throwable from a subscriber or a stage
 * does not end the dispatch thread; what is published after the stream ended, or still queued when close gives up,
 * is counted and told to the error handler (no subscriber is left to hear it).
 */
public final class Pipeline {
    private static final Event[] NONE = new Event[0];
    private static final Batch STOP = new Batch(NONE, 0, null, null, null);

    /**
     * @param count    the events it holds (or, deferred, the messages it will turn into events)
     * @param reached  for a marker batch of {@link #sync}: counted down when dispatch gets there, else null
     * @param deferred work that makes the events on the dispatch thread, else null
     * @param channel  who published it (for loss reports)
     */
    private record Batch(Event[] events, int count, CountDownLatch reached, Deferred deferred, String channel) {}

    private final int capacity;
    private final AtomicInteger pending = new AtomicInteger();
    private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
    private final EventStage stage;
    private final List<EventStage> stages;
    /** Events the stages handed back ({@link EventStage#release}), delivered after the batch; dispatch thread only. */
    private final List<Event> released = new ArrayList<>();
    private final List<Subscriber> subscribers;
    private final ErrorHandler errors;
    private final Supplier<Instant> now;
    private final Thread thread;
    /** The events of a deferred batch, reused: only the dispatch thread touches it. */
    private final List<Event> expanded = new ArrayList<>();
    /** Set (under {@link #endLock}) when the dispatch thread takes its last batch: nothing is queued after that. */
    private boolean ended;
    private final Object endLock = new Object();

    /**
     * @param stages   the channels' stages, applied in order on the dispatch thread before delivery
     * @param now      the clock of loss reports
     */
    public Pipeline(int capacity, List<EventStage> stages, List<Subscriber> subscribers, ErrorHandler errors,
            Supplier<Instant> now) {
        this.capacity = capacity;
        this.stages = List.copyOf(stages);
        this.stage = chain(this.stages);
        this.subscribers = List.copyOf(subscribers);
        this.errors = errors;
        this.now = now;
        this.thread = Thread.ofPlatform().name("upcall-dispatch").unstarted(this::run);
    }

    private static EventStage chain(List<EventStage> stages) {
        return switch (stages.size()) {
            case 0 -> event -> event;
            case 1 -> stages.getFirst();
            default -> event -> {
                Event e = event;
                for (int i = 0; e != null && i < stages.size(); i++) {
                    e = stages.get(i).process(e);
                }
                return e;
            };
        };
    }

    public void start() {
        thread.start();
    }

    /** A source's way in; each source thread owns one. It never blocks: what does not fit is dropped and reported. */
    public Publisher publisher(String channel) {
        return new Publisher(channel, false);
    }

    /**
     * A way in that waits for room instead of dropping: for a replay, whose input waits for it, unlike the kernel's.
     * It gives up (and reports the rest as loss) only when the pipeline has stopped.
     */
    public Publisher waitingPublisher(String channel) {
        return new Publisher(channel, true);
    }

    /** One source's way into the pipeline; owned by one thread. */
    public final class Publisher implements EventSink {
        private final String channel;
        private final boolean waits;
        private long dropped;

        private Publisher(String channel, boolean waits) {
            this.channel = channel;
            this.waits = waits;
        }

        /** Queues {@code events[0..count)} unless that would pass the capacity. */
        @Override
        public void publish(Event[] events, int count) {
            submit(new Batch(events, count, null, null, channel));
        }

        /** Queues {@code work}, which holds {@code count} messages, unless that would pass the capacity. */
        public void publishDeferred(Deferred work, int count) {
            submit(new Batch(NONE, count, null, work, channel));
        }

        /** A pending loss report goes first, when there is room; while one is pending, what comes is dropped too. */
        private void submit(Batch batch) {
            if (batch.count() == 0) {
                return;
            }
            if (waits) {
                awaitRoom(batch.count());
            }
            if (dropped > 0 && offer(new Batch(new Event[] {lossReport()}, 1, null, null, channel), false)) {
                dropped = 0;
            }
            if (dropped > 0 || !offer(batch, false)) {
                dropped += batch.count();
            }
        }

        /** Reports drops still pending when the source stops, past the capacity: the last word must be said. */
        @Override
        public void flush() {
            if (dropped > 0) {
                offer(new Batch(new Event[] {lossReport()}, 1, null, null, channel), true);
                dropped = 0;
            }
        }

        /** Queues {@code event} past the capacity: a source's notice that it stopped must not be dropped. */
        public void force(Event event) {
            flush();
            offer(new Batch(new Event[] {event}, 1, null, null, channel), true);
        }

        private LossEvent lossReport() {
            return new LossEvent(now.get(), channel, dropped, "Upcall's queue was full (" + capacity
                    + " events): subscribers fell behind");
        }
    }

    /** Waits (briefly parking) until {@code count} more fit, or the dispatch thread has ended. */
    private void awaitRoom(int count) {
        while (pending.get() + count > capacity && pending.get() > 0 && thread.isAlive()) {
            LockSupport.parkNanos(100_000L);
        }
    }

    private boolean offer(Batch batch, boolean force) {
        if (!force && pending.get() + batch.count() > capacity) {
            return false;
        }
        synchronized (endLock) {
            if (!ended) {
                pending.addAndGet(batch.count());
                queue.add(batch);
                return true;
            }
        }
        // Nobody is left to deliver it, so no loss event can carry it: the error handler hears it.
        errors.onError(batch.channel() + " after the stream ended", new IllegalStateException(batch.count()
                + " events published after the stream ended were not delivered"));
        return true;
    }

    /**
     * Waits until every event queued before this call has been delivered, at most {@code patience}: what lets a
     * subscriber that acts on events (hotplug rules) see the last of them before it closes. From the dispatch
     * thread it returns false at once.
     */
    public boolean sync(Duration patience) throws InterruptedException {
        if (Thread.currentThread() == thread) {
            return false;
        }
        CountDownLatch reached = new CountDownLatch(1);
        synchronized (endLock) {
            if (ended) {
                return true; // everything was delivered already
            }
            queue.add(new Batch(NONE, 0, reached, null, null));
        }
        return reached.await(patience.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Delivers everything queued, tells subscribers the stream ended, and stops the thread, waiting at
     * most {@code patience} for that: a subscriber stuck on a blocked output must not hang the caller. Events still
     * queued when it gives up are told to the error handler with their count.
     * @return true when the dispatch thread finished in time
     */
    public boolean close(Duration patience) throws InterruptedException {
        queue.add(STOP);
        if (Thread.currentThread() == thread) {
            return true;
        }
        boolean finished = thread.join(patience);
        if (!finished) {
            errors.onError("close", new IllegalStateException(pending.get() + " events still queued were not delivered: "
                    + "the subscribers did not finish within " + patience.toMillis() + " ms"));
        }
        return finished;
    }

    private void run() {
        try {
            while (true) {
                // Blocks until there is work, or until a stage's held events fall due: close() queues STOP, so an
                // idle stream with nothing held needs no periodic look (its dispatch thread used to wake once a
                // second for nothing).
                long wait = pollNanos();
                Batch batch = wait < 0 ? queue.take() : queue.poll(wait, TimeUnit.NANOSECONDS);
                if (batch == STOP) {
                    break;
                }
                if (batch != null && batch.reached() != null) {
                    release(false); // what a stage holds is delivered before the marker counts as reached
                    batch.reached().countDown();
                } else if (batch != null) {
                    dispatch(batch);
                }
                release(false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // What was queued after the stop marker (a reaction's last outcomes) still goes out; after this, nothing queues.
        List<Batch> late = new ArrayList<>();
        synchronized (endLock) {
            ended = true;
            queue.drainTo(late);
        }
        for (Batch b : late) {
            if (b.reached() != null) {
                b.reached().countDown();
            } else if (b != STOP) {
                dispatch(b);
            }
        }
        release(true); // the stream ends: whatever a stage still holds goes out with what it knows
        for (int i = 0; i < subscribers.size(); i++) {
            try {
                subscribers.get(i).onClose();
            } catch (Throwable e) {
                errors.onError("subscriber " + i + " on close", e);
            }
        }
    }

    private void dispatch(Batch batch) {
        Event[] events = batch.events();
        int count = batch.count();
        if (batch.deferred() != null) {
            expanded.clear();
            try {
                batch.deferred().expand(expanded);
            } catch (Throwable e) {
                // The events decoded so far go out; the batch's messages after them are lost, and the stream says so.
                errors.onError(batch.channel() + " decoding", e);
                expanded.add(new LossEvent(now.get(), batch.channel(), LossEvent.UNKNOWN, "decoding failed part-way through "
                        + "a batch of " + batch.count() + " messages (" + e + "); the rest of the batch is lost"));
            }
            events = expanded.toArray(NONE);
            count = events.length;
            if (count == 0 && nothingWaiting()) {
                deliverEndOfBatch(); // earlier events were delivered expecting more: they need their cue to flush
            }
        }
        int last = count - 1;
        for (int i = 0; i <= last; i++) {
            Event event;
            try {
                event = stage.process(events[i]);
            } catch (Throwable e) {
                errors.onError("enrichment of " + events[i].type(), e);
                event = events[i];
            }
            boolean endOfBatch = i == last && nothingWaiting();
            if (event != null) {
                deliver(event, endOfBatch);
            } else if (endOfBatch) {
                // The filter took the batch's last event: subscribers still need their cue to flush.
                deliverEndOfBatch();
            }
        }
        pending.addAndGet(-batch.count());
    }

    /**
     * How long the dispatch thread may wait for a batch: -1 (as long as it takes) when no stage holds an event, else
     * until the first held event is due, at most a second.
     */
    private long pollNanos() {
        long wait = -1;
        Instant at = null;
        for (EventStage s : stages) {
            Instant due = s.nextRelease();
            if (due != null) {
                at = at == null ? now.get() : at;
                long until = due.isBefore(at.plusSeconds(1)) // (a far due date would overflow the nanoseconds)
                        ? Math.max(TimeUnit.MILLISECONDS.toNanos(1), Duration.between(at, due).toNanos())
                        : TimeUnit.SECONDS.toNanos(1);
                wait = wait < 0 ? until : Math.min(wait, until);
            }
        }
        return wait;
    }

    /**
     * Delivers what the stages hand back (ready, due, or everything when {@code all}), each through the stages after the
     * one that held it.
     */
    private void release(boolean all) {
        for (int i = 0; i < stages.size(); i++) {
            EventStage held = stages.get(i);
            if (held.nextRelease() == null) {
                continue;
            }
            int next = i + 1;
            released.clear();
            try {
                held.release(now.get(), all, e -> released.add(e));
            } catch (Throwable e) {
                errors.onError("release of held events", e);
            }
            int last = released.size() - 1;
            for (int j = 0; j <= last; j++) {
                Event e = released.get(j);
                try {
                    for (int k = next; e != null && k < stages.size(); k++) {
                        e = stages.get(k).process(e);
                    }
                } catch (Throwable x) {
                    errors.onError("enrichment of " + released.get(j).type(), x);
                    e = released.get(j);
                }
                boolean endOfBatch = j == last && nothingWaiting();
                if (e != null) {
                    deliver(e, endOfBatch);
                } else if (endOfBatch) {
                    deliverEndOfBatch();
                }
            }
        }
    }

    private boolean nothingWaiting() {
        Batch next = queue.peek();
        return next == null || next.count() == 0; // the stop marker, or a sync marker: no event follows yet
    }

    private void deliver(Event event, boolean endOfBatch) {
        for (int s = 0; s < subscribers.size(); s++) {
            Subscriber subscriber = subscribers.get(s);
            try {
                subscriber.onEvent(event, endOfBatch);
            } catch (Throwable e) {
                errors.onError("subscriber " + s, e);
                missed(subscriber, s, event, e, endOfBatch);
            }
        }
    }

    /** A subscriber that failed on an event is told, in its stream, that it lost it. */
    private void missed(Subscriber subscriber, int index, Event event, Throwable cause, boolean endOfBatch) {
        if (event instanceof LossEvent) {
            return; // failing on the report itself: the error handler has heard it, and a report of a report would loop
        }
        try {
            subscriber.onEvent(new LossEvent(now.get(), event.source(), 1, "this subscriber failed on a " + event.type()
                    + " event: " + cause), endOfBatch);
        } catch (Throwable again) {
            errors.onError("subscriber " + index + " (loss report)", again);
        }
    }

    private void deliverEndOfBatch() {
        for (int s = 0; s < subscribers.size(); s++) {
            try {
                subscribers.get(s).onEndOfBatch();
            } catch (Throwable e) {
                errors.onError("subscriber " + s, e);
            }
        }
    }
}
