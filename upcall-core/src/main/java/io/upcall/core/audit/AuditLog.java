package io.upcall.core.audit;

import io.upcall.core.event.Event;
import io.upcall.core.event.MalformedEvent;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.audit.AuditRecord;
import io.upcall.protocol.audit.AuditRecordParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * An auditd log (RAW or ENRICHED, {@code /var/log/audit/audit.log}) read into the events a live stream gives: the same
 * record parser, reassembler and {@link AuditEvent}. Time is the records' own: an event without EOE ends when a record
 * 2 s younger comes, or at the end of the log. A line that does not parse is a {@link MalformedEvent} naming the line;
 * reading goes on.
 */
public final class AuditLog {
    /** A longer line is a malformed event (and skipped to its end): memory stays bounded whatever the input. */
    static final int MAX_LINE = 16 << 20;

    private AuditLog() {}

    /**
     * Reads {@code in} to its end, handing each event to {@code out} in order.
     *
     * @return lines read
     */
    public static long read(BufferedReader in, AuditOptions options, Consumer<Event> out) throws IOException {
        Reader r = new Reader(options, out);
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            r.line(b, 0, b.length);
        }
        return r.end();
    }

    /**
     * Reads {@code in} (UTF-8) to its end, handing each event to {@code out} in order, as {@link #read(BufferedReader,
     * AuditOptions, Consumer)} does: lines end at {@code \n} (a {@code \r} before it is dropped), and are parsed as bytes,
     * without a string per line. The stream is not closed.
     *
     * @return lines read
     */
    public static long read(InputStream in, AuditOptions options, Consumer<Event> out) throws IOException {
        Reader r = new Reader(options, out);
        byte[] buf = new byte[1 << 16];
        int start = 0; // the current line's first byte
        int filled = 0;
        boolean skipping = false; // in a line longer than MAX_LINE, reported already
        while (true) {
            int n = in.read(buf, filled, buf.length - filled);
            if (n < 0) {
                break;
            }
            int scan = filled;
            filled += n;
            for (int nl = indexOf(buf, scan, filled); nl >= 0; nl = indexOf(buf, start, filled)) {
                if (skipping) {
                    skipping = false;
                } else {
                    r.line(buf, start, nl > start && buf[nl - 1] == '\r' ? nl - 1 : nl);
                }
                start = nl + 1;
            }
            if (start > 0) { // keep the partial line at the front
                System.arraycopy(buf, start, buf, 0, filled - start);
                filled -= start;
                start = 0;
            }
            if (filled == buf.length) {
                if (buf.length >= MAX_LINE) {
                    if (!skipping) {
                        r.tooLong();
                    }
                    skipping = true;
                    filled = 0;
                } else {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
            }
        }
        if (filled > 0 && !skipping) {
            r.line(buf, 0, buf[filled - 1] == '\r' ? filled - 1 : filled);
        }
        return r.end();
    }

    private static int indexOf(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** One log's reassembly: lines in, events out. */
    private static final class Reader {
        private final AuditReassembler reassembler = new AuditReassembler(AuditMessageDecoder.TIMEOUT,
                AuditMessageDecoder.MAX_IN_FLIGHT);
        private final Consumer<Event> out;
        private final Consumer<List<AuditRecord>> complete;
        private Instant last = Instant.EPOCH;
        private long lastMillis = Long.MIN_VALUE;
        private long lines;

        Reader(AuditOptions options, Consumer<Event> out) {
            this.out = out;
            this.complete = records -> {
                AuditEvent e = AuditEvent.of(records);
                if (options.keeps(e)) {
                    out.accept(e);
                }
            };
        }

        void line(byte[] b, int from, int to) {
            lines++;
            if (isBlank(b, from, to)) {
                return;
            }
            switch (AuditRecordParser.parseLogLine(b, from, to)) {
                case DecodeResult.Decoded<AuditRecord>(AuditRecord r) -> {
                    long millis = r.seconds() * 1000 + r.millis();
                    if (millis != lastMillis) { // records of one event share their time: one Instant for them
                        last = Instant.ofEpochSecond(r.seconds(), r.millis() * 1_000_000L);
                        lastMillis = millis;
                    }
                    reassembler.add(r, last, complete);
                }
                case DecodeResult.Malformed<AuditRecord> m -> out.accept(new MalformedEvent(last, AuditChannel.NAME,
                        m.kind(), m.offset(), "line " + lines + ": " + m.detail()));
                case DecodeResult.Skipped<AuditRecord> s -> { }
            }
        }

        void tooLong() {
            lines++;
            out.accept(new MalformedEvent(last, AuditChannel.NAME, "line_too_long", MAX_LINE,
                    "line " + lines + ": longer than " + MAX_LINE + " bytes; skipped"));
        }

        long end() {
            reassembler.flush(complete);
            return lines;
        }

        /** As {@link String#isBlank()}: ASCII whitespace only (a line with other bytes is decoded to check). */
        private static boolean isBlank(byte[] b, int from, int to) {
            for (int i = from; i < to; i++) {
                byte c = b[i];
                if (c < 0) {
                    return new String(b, from, to - from, StandardCharsets.UTF_8).isBlank();
                }
                if (c != ' ' && (c < 9 || c > 13) && (c < 28 || c > 31)) {
                    return false;
                }
            }
            return true;
        }
    }
}
