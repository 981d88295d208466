package io.upcall.core.audit;

import io.upcall.core.event.Event;
import io.upcall.core.event.MalformedEvent;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.audit.AuditRecord;
import io.upcall.protocol.audit.AuditRecordParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * An auditd log (RAW or ENRICHED, {@code /var/log/audit/audit.log}) read into the events a live stream gives: the same
 * record parser, reassembler and {@link AuditEvent}. Time is the records' own: an event without EOE ends when a record
 * 2 s younger comes, or at the end of the log. A line that does not parse is a {@link MalformedEvent} naming the line;
 * reading goes on.
 */
public final class AuditLog {
    private AuditLog() {}

    /**
     * Reads {@code in} to its end, handing each event to {@code out} in order.
     *
     * @return lines read
     */
    public static long read(BufferedReader in, AuditOptions options, Consumer<Event> out) throws IOException {
        AuditReassembler reassembler = new AuditReassembler(AuditMessageDecoder.TIMEOUT, AuditMessageDecoder.MAX_IN_FLIGHT);
        Consumer<java.util.List<AuditRecord>> complete = records -> {
            AuditEvent e = AuditEvent.of(records);
            if (options.keeps(e)) {
                out.accept(e);
            }
        };
        Instant last = Instant.EPOCH;
        long lines = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines++;
            if (line.isBlank()) {
                continue;
            }
            switch (AuditRecordParser.parseLogLine(line)) {
                case DecodeResult.Decoded<AuditRecord>(AuditRecord r) -> {
                    last = Instant.ofEpochSecond(r.seconds(), r.millis() * 1_000_000L);
                    reassembler.add(r, last, complete);
                }
                case DecodeResult.Malformed<AuditRecord> m -> out.accept(new MalformedEvent(last, AuditChannel.NAME, m.kind(),
                        m.offset(), "line " + lines + ": " + m.detail()));
                case DecodeResult.Skipped<AuditRecord> s -> { }
            }
        }
        reassembler.flush(complete);
        return lines;
    }
}
