package io.upcall.core.pipeline;

import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelContext;
import io.upcall.core.channel.Deferred;
import io.upcall.core.channel.Envelope;
import io.upcall.core.channel.RawTap;
import io.upcall.core.channel.WallClock;
import io.upcall.core.event.ErrorHandler;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.function.Consumer;

/** A live channel's {@link ChannelContext}: its publisher into the pipeline, the recorder's tap, its own clock. */
public final class LiveContext implements ChannelContext {
    private final Channel<?> channel;
    private final Pipeline.Publisher publisher;
    private final RawTap tap;
    private final WallClock clock;
    private final long batchDelayNanos;
    private final Consumer<String> warnings;
    private final ErrorHandler errors;

    /** @param tap the recorder, or null */
    public LiveContext(Channel<?> channel, Pipeline.Publisher publisher, RawTap tap, WallClock clock, long batchDelayNanos,
            Consumer<String> warnings, ErrorHandler errors) {
        this.channel = channel;
        this.publisher = publisher;
        this.tap = tap;
        this.clock = clock;
        this.batchDelayNanos = batchDelayNanos;
        this.warnings = warnings;
        this.errors = errors;
    }

    @Override
    public void publish(Event[] events, int count) {
        publisher.publish(events, count);
    }

    @Override
    public void publishDeferred(Deferred work, int messages) {
        publisher.publishDeferred(work, messages);
    }

    @Override
    public void flush() {
        publisher.flush();
    }

    @Override
    public void stopped(String reason) {
        publisher.force(new LossEvent(clock.now(), channel.name(), LossEvent.UNKNOWN, "the " + channel.name()
                + " channel stopped: " + reason + "; nothing more comes from it"));
    }

    @Override
    public void tap(MemorySegment message, Envelope envelope, Instant received) {
        if (tap != null) {
            tap.accept(channel, message, envelope, received, clock);
        }
    }

    @Override
    public boolean tapped() {
        return tap != null;
    }

    @Override
    public WallClock clock() {
        return clock;
    }

    @Override
    public long batchDelayNanos() {
        return batchDelayNanos;
    }

    @Override
    public void warn(String warning) {
        warnings.accept(warning);
    }

    @Override
    public ErrorHandler errors() {
        return errors;
    }
}
