package io.upcall.core.channel;

import io.upcall.core.event.Event;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Enrichment and filtering on the dispatch thread, before delivery: a channel's stage adds context to its own
 * events and applies the user's selection; it passes every other event through unchanged.
 *
 * <p>A stage may hold an event back for a while, as Tetragon parks an event whose process is not known yet: the proc
 * channel's exec event waits for the audit records that name the program of a process already gone from {@code /proc}
 * ({@link ExecWitness}). What it holds it hands back through {@link #release}, never drops, and it holds nothing past
 * the instant {@link #nextRelease} says.
 */
public interface EventStage {

    /** @return the event to deliver (possibly enriched), or null to leave it out (the user's selection, or held back) */
    Event process(Event event);

    /**
     * Hands back the held events that are ready or due by {@code now} (every one when {@code all}: the stream ends),
     * in the order they must be delivered; they go through the stages after this one. Called after every batch, when
     * {@link #nextRelease} comes, and once with {@code all} at the end.
     */
    default void release(Instant now, boolean all, Consumer<Event> out) {}

    /** When the oldest held event is due, or null when nothing is held. */
    default Instant nextRelease() {
        return null;
    }
}
