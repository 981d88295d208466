package io.upcall.core.event;

import io.upcall.core.json.JsonBuffer;
import java.time.Instant;

/**
 * One thing the kernel (or Upcall itself) reported. Every event has a wall-clock {@link #time()}, a
 * {@link #source()} naming the channel family and a {@link #type()} within it, the names used in the JSON
 * stream (see {@code docs/events.md}). Each event type encodes itself, next to its definition, so that a channel
 * brings its own JSON and table forms: {@link #writeJsonFields} and {@link #tableRow}.
 */
public interface Event {

    Instant time();

    /** The channel's name ({@code proc}, {@code device}, ...), or {@code upcall} for Upcall's own reports. */
    String source();

    /** The kind of event within its source, lower case: {@code fork}, {@code exit}, {@code loss}, ... */
    String type();

    /**
     * Writes this event's own fields, those after {@code time}, {@code source} and {@code type}, in the order
     * {@code docs/events.md} lists them.
     */
    void writeJsonFields(JsonBuffer out);

    /** This event as a row of the human table. */
    TableRow tableRow();
}
