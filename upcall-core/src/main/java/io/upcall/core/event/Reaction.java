package io.upcall.core.event;

/**
 * A subscriber that acts on events and reports what it did as events of its own, in the same stream (hotplug
 * rules run programs and report each outcome). It is delivered events after every plain subscriber.
 */
public interface Reaction extends Subscriber {

    /** The name its own loss reports carry ({@code hotplug}). */
    String channel();

    /** Before the first event: where its own events go. */
    void start(EventSink sink);

    /**
     * The stream is ending and every event reached it ({@code drained}), or not: stop taking work, finish or stop
     * what runs by {@code deadlineNanos} (of {@link System#nanoTime()}), report what was not done as loss. With
     * {@code drained} false (closing from the dispatch thread, which must not block) it stops without waiting.
     */
    void close(long deadlineNanos, boolean drained) throws InterruptedException;
}
