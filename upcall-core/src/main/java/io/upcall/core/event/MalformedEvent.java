package io.upcall.core.event;

import io.upcall.core.json.JsonBuffer;
import java.time.Instant;

/**
 * A message that could not be decoded; the stream goes on.
 *
 * @param kind   the fault, as a counter key ({@code truncated}, {@code short_cn_msg}, ...)
 * @param offset the byte offset in the datagram where decoding gave up
 */
public record MalformedEvent(Instant time, String channel, String kind, long offset, String reason) implements Event {
    @Override
    public String source() {
        return "upcall";
    }

    @Override
    public String type() {
        return "malformed";
    }

    @Override
    public void writeJsonFields(JsonBuffer out) {
        out.field("channel", channel).field("kind", kind).field("offset", offset).field("reason", reason);
    }

    @Override
    public TableRow tableRow() {
        return TableRow.of(TableRow.Tone.NOTICE, "malformed", channel + " " + kind + " at byte " + offset + ": " + reason, "");
    }
}
