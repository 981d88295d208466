package io.upcall.core.channel;

import io.upcall.core.event.ErrorHandler;
import io.upcall.core.event.EventSink;
import java.lang.foreign.MemorySegment;
import java.time.Instant;

/**
 * What a live channel is given by the stream it feeds: its way into the pipeline, the recorder's tap, its clock,
 * and where warnings and errors go. One per channel; its reading thread is the only caller of
 * {@link #publish}, {@link #publishDeferred}, {@link #tap} and {@link #clock}.
 */
public interface ChannelContext extends EventSink {

    /** Queues {@code work}, which holds {@code messages} messages, to be decoded on the dispatch thread; never blocks. */
    void publishDeferred(Deferred work, int messages);

    /**
     * The channel's reading ended on a failure while the stream goes on: puts a loss event saying so into the stream,
     * past the queue's capacity, so that nobody takes the silence for a quiet kernel.
     */
    void stopped(String reason);

    /** Hands a message to the recorder, if one listens; before it is decoded, exactly as received. */
    void tap(MemorySegment message, Envelope envelope, Instant received);

    /** True when a recorder listens (a channel may skip work for it otherwise). */
    boolean tapped();

    /** This channel thread's wall clock. */
    WallClock clock();

    /** How long to wait after a partial batch before reading again (see {@code Upcall.Builder.batchDelay}). */
    long batchDelayNanos();

    /** Something works, but not as asked (a smaller buffer, a filter done in user space). */
    void warn(String warning);

    /** Failures that must not stop the stream. */
    ErrorHandler errors();
}
