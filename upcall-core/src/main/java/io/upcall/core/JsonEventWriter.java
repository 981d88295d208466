package io.upcall.core;

import io.upcall.core.event.Event;
import io.upcall.core.json.JsonBuffer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes events as JSON Lines, the schema of {@code docs/events.md}: one object per line, common fields
 * {@code time}, {@code source}, {@code type} first, then the event's own fields ({@link Event#writeJsonFields}).
 * Events accumulate in a buffer; {@link #flushTo} writes them in one call. Not thread-safe: one per subscriber.
 */
public final class JsonEventWriter {
    private final JsonBuffer out = new JsonBuffer();

    /** One event as a JSON object, without the newline (for tests and small tools). */
    public static String toJson(Event event) {
        JsonEventWriter w = new JsonEventWriter();
        w.write(event);
        String line = new String(w.out.toByteArray(), StandardCharsets.UTF_8);
        return line.substring(0, line.length() - 1);
    }

    /** Appends {@code event} and a newline. */
    public void write(Event event) {
        out.beginObject().field("time", event.time()).field("source", event.source()).field("type", event.type());
        event.writeJsonFields(out);
        out.endObject().newline();
    }

    /** Bytes waiting to be flushed. */
    public int pendingBytes() {
        return out.size();
    }

    /** Writes what accumulated to {@code stream} and empties the buffer (the stream is not flushed). */
    public void flushTo(OutputStream stream) throws IOException {
        out.writeTo(stream);
        out.reset();
    }
}
