package io.upcall.core.event;

import io.upcall.core.json.JsonBuffer;
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

    @Override
    public void writeJsonFields(JsonBuffer out) {
        out.field("channel", channel).field("first", first).field("last", last).field("count", last - first + 1)
                .field("reason", reason);
    }

    @Override
    public TableRow tableRow() {
        return TableRow.of(TableRow.Tone.END, "gap", channel + " seqnum " + first + ".." + last, reason);
    }
}
