package io.upcall.core.event;

import io.upcall.core.json.JsonBuffer;
import java.time.Instant;

/**
 * Events were lost. Upcall reports every loss it can detect: the kernel's ENOBUFS (a socket overflow,
 * count unknown), gaps in per-CPU sequence numbers (exact count), and drops from Upcall's own queue
 * (exact count).
 *
 * @param channel the channel that lost events ({@code proc}, ...)
 * @param count   events lost, or -1 when the kernel does not say how many
 * @param reason  what detected it, for humans
 */
public record LossEvent(Instant time, String channel, long count, String reason) implements Event {
    public static final long UNKNOWN = -1;

    @Override
    public String source() {
        return "upcall";
    }

    @Override
    public String type() {
        return "loss";
    }

    @Override
    public void writeJsonFields(JsonBuffer out) {
        out.field("channel", channel).optional("count", count).field("reason", reason);
    }

    @Override
    public TableRow tableRow() {
        return TableRow.of(TableRow.Tone.ALERT, "LOSS", (count >= 0 ? count + " events" : "events") + " lost on " + channel
                + ": " + reason, "");
    }
}
