package io.upcall.core.channel;

import io.upcall.core.event.ErrorHandler;
import java.time.Instant;

/**
 * What a {@link MessageDecoder} is told about where its messages come from.
 *
 * @param live   true for a live socket: credentials were asked for and must be present where the channel
 *               requires them; false in a replay or the recorder's own decoding, where they were not kept
 * @param clock  turns a kernel {@code CLOCK_MONOTONIC} timestamp into the event's time
 * @param errors told of what the kernel refused (an {@code NLMSG_ERROR} answer to a subscription)
 */
public record DecodeContext(boolean live, EventClock clock, ErrorHandler errors) {

    /** The time of an event that carries a kernel {@code CLOCK_MONOTONIC} timestamp. */
    @FunctionalInterface
    public interface EventClock {
        Instant of(long monotonicNanos, Instant received);
    }

    /** Replay: an event's time is the time its packet was recorded with. */
    public static DecodeContext replay(ErrorHandler errors) {
        return new DecodeContext(false, (nanos, received) -> received, errors);
    }

    /** Live, or the recorder: the kernel's timestamp on the wall clock ({@code wall} belongs to the calling thread). */
    public static DecodeContext onWallClock(boolean live, WallClock wall, ErrorHandler errors) {
        return new DecodeContext(live, (nanos, received) -> wall.toInstant(nanos), errors);
    }
}
