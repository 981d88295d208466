package io.upcall.core.event;

import io.upcall.linux.LinuxException;
import java.util.function.Supplier;

/**
 * A source of events that is not a kernel channel decoding bytes: it makes its events itself, on threads of its own,
 * and puts them into the stream ({@code Upcall.Builder.produce}). The permission guard is one: what it publishes
 * are its decisions, which no decoder could make again from the bytes (see {@code docs/architecture.md}).
 */
public interface Producer {

    /** The name its events' loss reports carry ({@code access}). */
    String channel();

    /**
     * Starts producing, after the stream's dispatch thread started. Each thread that publishes takes its own sink
     * from {@code sinks} (a sink belongs to one thread); publishing never blocks, and what does not fit is reported
     * as loss on {@link #channel()}.
     *
     * @throws LinuxException when the kernel refuses what the producer needs
     */
    void start(Supplier<EventSink> sinks) throws LinuxException;

    /** Stops producing and releases what the kernel gave it; before the stream's queue drains. Idempotent. */
    void close() throws InterruptedException;
}
