package io.upcall.core.audit;

import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.linux.LinuxException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The kernel's audit {@code lost} counter, read at most once per {@link #INTERVAL} (on the reading thread, live only):
 * a rise becomes a {@link LossEvent} with the exact count. The kernel counts records it dropped for everyone (backlog
 * or rate limit reached, no memory), not only for this listener. The counter is 32 bits and may wrap. Time is the
 * caller's ({@code now}); reading the counter is the injected {@link Source}.
 */
final class LostCounter {
    static final Duration INTERVAL = Duration.ofSeconds(1);

    /** Reads the counter ({@code AUDIT_GET}'s {@code lost}). */
    @FunctionalInterface
    interface Source {
        long lost() throws LinuxException;
    }

    private final Source source;
    private Instant next;
    private long last = -1;
    private boolean failed;

    LostCounter(Source source) {
        this.source = source;
    }

    /** Reads the counter if {@link #INTERVAL} passed since the last read, adding a loss event when it rose. */
    void poll(Instant now, List<Event> out) {
        if (failed || next != null && now.isBefore(next)) {
            return;
        }
        next = now.plus(INTERVAL);
        long lost;
        try {
            lost = source.lost();
        } catch (LinuxException e) {
            failed = true; // said once; ENOBUFS is still reported
            out.add(new LossEvent(now, AuditChannel.NAME, LossEvent.UNKNOWN, "the kernel's audit lost counter cannot be "
                    + "read any more (" + e.getMessage() + "): records the kernel drops are not counted from here on"));
            return;
        }
        if (last >= 0 && lost != last) {
            long rise = (lost - last) & 0xffff_ffffL;
            out.add(new LossEvent(now, AuditChannel.NAME, rise, "the kernel's audit lost counter rose from " + last
                    + " to " + lost + " (backlog or rate limit reached, or no memory)"));
        }
        last = lost;
    }
}
