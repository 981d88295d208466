package io.upcall.core.channel;

import io.upcall.core.event.Event;
import java.util.List;

/**
 * Work a channel hands over undone (received bytes not yet decoded), turned into events on the dispatch thread:
 * it keeps the reading thread's own work small, and what waits in the queue compact (a few arrays, not objects
 * per event for the collector to copy). Loss is counted in the messages it holds.
 */
@FunctionalInterface
public interface Deferred {

    /** Adds the events to {@code out}; never throws on the bytes it holds (see {@link MessageDecoder}). */
    void expand(List<Event> out);
}
