package io.upcall.core.channel;

import java.lang.foreign.MemorySegment;
import java.time.Instant;

/**
 * Sees every message a channel receives, exactly as the kernel sent it, before decoding: what
 * {@code upcall record} writes. Called on the channel's reading thread, so it must not block for long; the
 * segment is valid only during the call.
 */
@FunctionalInterface
public interface RawTap {

    /**
     * @param channel  the channel that received it
     * @param envelope who sent it (for a netlink channel: port id and groups)
     * @param received when it was read
     * @param clock    the channel thread's wall clock, which gives the live stream its event times: decoding with it
     *                 gives a recording the very times the live stream showed
     */
    void accept(Channel<?> channel, MemorySegment message, Envelope envelope, Instant received, WallClock clock);
}
