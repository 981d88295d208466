package io.upcall.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * How to listen to the proc connector.
 *
 * @param events        the event types wanted; when not all of them, the kernel filters (Linux 6.6+)
 * @param receiveBuffer bytes of socket receive buffer to ask for (the kernel doubles it)
 */
public record ProcOptions(Set<ProcEventType> events, int receiveBuffer) {
    /** 8 MiB: at the highest rate this kind of machine produces (~94 k events/s) it holds ~1 s of events. */
    public static final int DEFAULT_RECEIVE_BUFFER = 8 << 20;

    public ProcOptions {
        events = events.isEmpty() ? EnumSet.noneOf(ProcEventType.class) : EnumSet.copyOf(events);
        events.retainAll(ProcEventType.all());
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no proc event type selected");
        }
        if (receiveBuffer < 0) {
            throw new IllegalArgumentException("receive buffer " + receiveBuffer + " is negative");
        }
        events = Set.copyOf(events);
    }

    public static ProcOptions defaults() {
        return new ProcOptions(ProcEventType.all(), DEFAULT_RECEIVE_BUFFER);
    }

    public ProcOptions withEvents(Set<ProcEventType> wanted) {
        return new ProcOptions(wanted, receiveBuffer);
    }

    public ProcOptions withReceiveBuffer(int bytes) {
        return new ProcOptions(events, bytes);
    }

    boolean allEvents() {
        return events.containsAll(ProcEventType.all());
    }

    int kernelMask() {
        int mask = 0;
        for (ProcEventType t : events) {
            mask |= t.kernelMask();
        }
        return mask;
    }
}
