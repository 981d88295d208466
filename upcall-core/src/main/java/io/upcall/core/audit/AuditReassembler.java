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
    /** The last time whose deadline an Instant can hold (a log's times are the records' own, whatever they say). */
    private final Instant latest;
    private final LinkedHashMap<Long, Pending> pending = new LinkedHashMap<>();
    /**
     * The event the last record went to, and its serial: a syscall's records come one after another (live, one
     * datagram each), so most records find their event here without boxing the serial for the map.
     */
    private Pending last;
    private long lastSerial;

    private static final class Pending {
        final long seconds;
        final int millis;
        /** When it has waited {@link #timeout}: computed once, not a cutoff made per record. */
        final Instant deadline;
        final List<AuditRecord> records = new ArrayList<>(8);

        Pending(AuditRecord first, Instant deadline) {
            this.seconds = first.seconds();
            this.millis = first.millis();
            this.deadline = deadline;
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
        this.latest = Instant.MAX.minus(timeout);
    }

    /** Adds a record that arrived at {@code now}; events it (or the time) completes go to {@code out}, in order. */
    void add(AuditRecord r, Instant now, Consumer<List<AuditRecord>> out) {
        expire(now, out);
        long serial = r.serial();
        Pending p = last != null && lastSerial == serial ? last : pending.get(serial);
        if (p != null && !p.sameTime(r)) {
            out.accept(remove(serial).records); // the serial came round again: a new event
            p = null;
        }
        if (r.type() == Audit.AUDIT_EOE) {
            if (p != null) {
                out.accept(remove(serial).records);
            }
            return; // an EOE carries nothing; alone (its records went out on a timeout) it ends nothing
        }
        if (p == null && Audit.isUserMessage(r.type())) {
            out.accept(List.of(r));
            return;
        }
        if (p == null) {
            p = new Pending(r, now.isAfter(latest) ? Instant.MAX : now.plus(timeout));
            pending.put(serial, p);
            if (pending.size() > maxInFlight) {
                Iterator<Pending> oldest = pending.values().iterator();
                Pending gone = oldest.next();
                out.accept(gone.records);
                oldest.remove();
                forget(gone);
            }
        }
        last = p;
        lastSerial = serial;
        p.records.add(r);
    }

    private Pending remove(long serial) {
        Pending p = pending.remove(serial);
        forget(p);
        return p;
    }

    /** Drops {@code p} from {@link #last} when it is that one: an event that went out is never added to again. */
    private void forget(Pending p) {
        if (p == last) {
            last = null;
        }
    }

    /** Lets go of the events that have waited {@link #timeout} by {@code now}, oldest first. */
    void expire(Instant now, Consumer<List<AuditRecord>> out) {
        if (pending.isEmpty()) {
            return; // the usual case live, between one EOE and the next event: no iterator, no cutoff
        }
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (now.isBefore(p.deadline)) {
                break; // in arrival order: the rest are younger
            }
            out.accept(p.records);
            it.remove();
            forget(p);
        }
    }

    /** Every event still waiting, oldest first (the input ended). */
    void flush(Consumer<List<AuditRecord>> out) {
        pending.values().forEach(p -> out.accept(p.records));
        pending.clear();
        last = null;
    }

    /** Events waiting now. */
    int inFlight() {
        return pending.size();
    }
}
