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
}
