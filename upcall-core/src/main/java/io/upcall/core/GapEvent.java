package io.upcall.core;

import java.time.Instant;

/**
 * A hole in a sequence that is not certainly loss: uevent {@code SEQNUM}s are global, so a hole may be
 * uevents of devices in other network namespaces, which this listener never receives.
 *
 * @param first the first missing sequence number
 * @param last  the last missing sequence number
 */
public record GapEvent(Instant time, String channel, long first, long last, String reason) implements Event {
    @Override
    public String source() {
        return "upcall";
    }

    @Override
    public String type() {
        return "gap";
    }
}
