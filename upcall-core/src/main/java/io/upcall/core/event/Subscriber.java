package io.upcall.core.event;

/**
 * Receives the event stream on Upcall's dispatch thread, in order. {@code endOfBatch} is true when no
 * further event is waiting right now: the moment for a sink to flush. A subscriber that throws is
 * reported to the {@link ErrorHandler}; the others go on.
 */
@FunctionalInterface
public interface Subscriber {

    void onEvent(Event event, boolean endOfBatch) throws Exception;

    /**
     * Called when nothing more is waiting but the last event delivered did not say {@code endOfBatch}
     * (the user's filter took the events after it): a buffering subscriber flushes here too.
     */
    default void onEndOfBatch() throws Exception {}

    /** Called once, on the dispatch thread, after the last event. */
    default void onClose() throws Exception {}
}
