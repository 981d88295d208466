package io.upcall.core.event;

/** A way into the stream for one producer (a channel's reading thread, a reaction). Never blocks. */
public interface EventSink {

    /** Queues {@code events[0..count)}; what does not fit is counted and reported as loss. */
    void publish(Event[] events, int count);

    /** The producer's last word: reports drops still pending, past the queue's capacity. */
    void flush();
}
