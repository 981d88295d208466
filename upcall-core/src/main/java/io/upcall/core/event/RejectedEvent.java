package io.upcall.core.event;

import io.upcall.core.json.JsonBuffer;
import java.time.Instant;

/**
 * A message was refused because it did not come from the kernel (or a trusted sender). It never
 * reaches subscribers as a regular event.
 */
public record RejectedEvent(Instant time, String channel, int senderPort, String reason) implements Event {
    @Override
    public String source() {
        return "upcall";
    }

    @Override
    public String type() {
        return "rejected";
    }

    @Override
    public void writeJsonFields(JsonBuffer out) {
        out.field("channel", channel).field("sender_port", Integer.toUnsignedLong(senderPort)).field("reason", reason);
    }

    @Override
    public TableRow tableRow() {
        return TableRow.of(TableRow.Tone.NOTICE, "rejected", channel + ": " + reason, "");
    }
}
