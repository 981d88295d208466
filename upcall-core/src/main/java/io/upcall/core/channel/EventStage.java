package io.upcall.core.channel;

import io.upcall.core.event.Event;

/**
 * Enrichment and filtering on the dispatch thread, before delivery: a channel's stage adds context to its own
 * events and applies the user's selection; it passes every other event through unchanged.
 */
@FunctionalInterface
public interface EventStage {

    /** @return the event to deliver (possibly enriched), or null to leave it out by the user's selection */
    Event process(Event event);
}
