package io.upcall.core.audit;

import io.upcall.protocol.audit.Audit;
import io.upcall.protocol.audit.AuditRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * Groups audit records into events by their serial ({@code audit(SEC.MSEC:SERIAL)}), as the kernel emits them: the
 * records of one syscall share a serial and end with {@code EOE}; a user-space message (types 1100..1299, 2100..2999)
 * is an event on its own; any other event without an {@code EOE} is closed when it has waited {@link #timeout}. Records
 * of several events may interleave; a serial seen again with another timestamp (after a rollover or a reboot) starts a
 * new event. At most {@code maxInFlight} events wait; past that the oldest goes out as it is, so memory stays bounded
 * and nothing is dropped. Time is what the caller says it is ({@code now}): no clock is read here. Owned by one thread.
 */
final class AuditReassembler {
    private final Duration timeout;
    private final int maxInFlight;
    private final LinkedHashMap<Long, Pending> pending = new LinkedHashMap<>();

    private static final class Pending {
        final long seconds;
        final int millis;
        final Instant since;
        final List<AuditRecord> records = new ArrayList<>(8);

        Pending(AuditRecord first, Instant since) {
            this.seconds = first.seconds();
            this.millis = first.millis();
            this.since = since;
        }

        boolean sameTime(AuditRecord r) {
            return r.seconds() == seconds && r.millis() == millis;
        }
    }

    AuditReassembler(Duration timeout, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight " + maxInFlight + " must be at least 1");
        }
        this.timeout = timeout;
        this.maxInFlight = maxInFlight;
    }

    /** Adds a record that arrived at {@code now}; events it (or the time) completes go to {@code out}, in order. */
    void add(AuditRecord r, Instant now, Consumer<List<AuditRecord>> out) {
        expire(now, out);
        Pending p = pending.get(r.serial());
        if (p != null && !p.sameTime(r)) {
            out.accept(pending.remove(r.serial()).records); // the serial came round again: a new event
            p = null;
        }
        if (r.type() == Audit.AUDIT_EOE) {
            if (p != null) {
                out.accept(pending.remove(r.serial()).records);
            }
            return; // an EOE carries nothing; alone (its records went out on a timeout) it ends nothing
        }
        if (p == null && Audit.isUserMessage(r.type())) {
            out.accept(List.of(r));
            return;
        }
        if (p == null) {
            p = new Pending(r, now);
            pending.put(r.serial(), p);
            if (pending.size() > maxInFlight) {
                Iterator<Pending> oldest = pending.values().iterator();
                out.accept(oldest.next().records);
                oldest.remove();
            }
        }
        p.records.add(r);
    }

    /** Lets go of the events that have waited {@link #timeout} by {@code now}, oldest first. */
    void expire(Instant now, Consumer<List<AuditRecord>> out) {
        Instant cutoff = now.minus(timeout);
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.since.isAfter(cutoff)) {
                break; // in arrival order: the rest are younger
            }
            out.accept(p.records);
            it.remove();
        }
    }

    /** Every event still waiting, oldest first (the input ended). */
    void flush(Consumer<List<AuditRecord>> out) {
        pending.values().forEach(p -> out.accept(p.records));
        pending.clear();
    }

    /** Events waiting now. */
    int inFlight() {
        return pending.size();
    }
}
