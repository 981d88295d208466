package io.upcall.core.channel;

import io.upcall.core.event.Event;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.List;

/**
 * Turns one message of a channel into events, the same way live, in the recorder and in replay: believes only
 * the kernel, walks the framing, decodes, finds sequence gaps. It never throws on the message's bytes: what it
 * rejects or cannot decode becomes a {@link io.upcall.core.event.RejectedEvent} or
 * {@link io.upcall.core.event.MalformedEvent} with the kind and the offset. Owned by one thread.
 */
@FunctionalInterface
public interface MessageDecoder {

    /**
     * @param message  the bytes as the kernel sent them; valid only during the call
     * @param envelope who sent it, and whether it was cut
     * @param received when it was read (in a replay: when it was recorded)
     * @param out      where the events go, in order
     */
    void decode(MemorySegment message, Envelope envelope, Instant received, List<Event> out);

    /**
     * No message came for a while (live: a receive timeout passed): a decoder that holds messages back until they
     * make an event (audit's records, grouped by serial) lets go of those that waited too long. {@code now} is the
     * reading thread's clock; a replay never calls this, so what a decoder holds goes out on the next message or at
     * {@link #finish}, in the same order.
     */
    default void idle(Instant now, List<Event> out) {}

    /** The input ends (the channel closes, the capture is read): whatever the decoder still holds goes out. */
    default void finish(Instant now, List<Event> out) {}
}
