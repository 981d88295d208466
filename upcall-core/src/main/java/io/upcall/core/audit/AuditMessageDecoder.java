package io.upcall.core.audit;

import io.upcall.core.channel.Envelope;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.core.event.Event;
import io.upcall.core.event.MalformedEvent;
import io.upcall.core.netlink.KernelSender;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.audit.Audit;
import io.upcall.protocol.audit.AuditRecord;
import io.upcall.protocol.audit.AuditRecordParser;
import io.upcall.protocol.netlink.Netlink;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns {@code NETLINK_AUDIT} datagrams into {@link AuditEvent}s, the same way live, in the recorder and in replay:
 * only the kernel is believed (sender port 0), each frame's record text is parsed, and records are grouped into events
 * by an {@link AuditReassembler} on the time the datagram was received. Text that does not parse becomes a
 * {@link MalformedEvent}. Live, the kernel's {@code lost} counter is polled ({@link LostCounter}). Serial gaps are normal in audit (serials are shared by every audit context, including events
 * no rule selected) and are not reported. Owned by one thread.
 */
final class AuditMessageDecoder implements MessageDecoder {
    /** An event without EOE (a user-space message aside) is complete when nothing came for it in this long. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Events waiting for their EOE at most; past that the oldest goes out as it is. */
    static final int MAX_IN_FLIGHT = 1024;

    private final AuditOptions options;
    private final AuditReassembler reassembler = new AuditReassembler(TIMEOUT, MAX_IN_FLIGHT);
    private final NetlinkCursor cursor = new NetlinkCursor();
    private List<Event> out;
    private final Consumer<List<AuditRecord>> complete = this::complete;

    private final LostCounter lost;

    /** For replay and the recorder: no counter to read. */
    AuditMessageDecoder(AuditOptions options) {
        this(options, null);
    }

    /** Live: {@code lost} (or null) is polled as records come and while the socket is quiet. */
    AuditMessageDecoder(AuditOptions options, LostCounter lost) {
        this.options = options;
        this.lost = lost;
    }

    private void complete(List<AuditRecord> records) {
        AuditEvent e = AuditEvent.of(records);
        if (options.keeps(e)) {
            out.add(e);
        }
    }

    @Override
    public void decode(MemorySegment datagram, Envelope envelope, Instant received, List<Event> out) {
        this.out = out;
        if (!KernelSender.isWholeFromKernel(AuditChannel.NAME, envelope, received, out)) {
            return;
        }
        reassembler.expire(received, complete);
        if (lost != null) {
            lost.poll(received, out);
        }
        cursor.reset(datagram);
        while (cursor.next()) {
            int type = cursor.type();
            if (type < Audit.AUDIT_GET || type == Netlink.NLMSG_ERROR || type == Audit.AUDIT_GET) {
                continue; // acknowledgements and status answers are not records
            }
            switch (AuditRecordParser.parse(type, datagram, cursor.payloadOffset(), cursor.payloadLength())) {
                case DecodeResult.Decoded<AuditRecord> d -> reassembler.add(d.value(), received, complete);
                case DecodeResult.Malformed<AuditRecord> m -> out.add(new MalformedEvent(received, AuditChannel.NAME,
                        m.kind(), m.offset(), m.detail()));
                case DecodeResult.Skipped<AuditRecord> s -> { }
            }
        }
        if (cursor.malformedKind() != null) {
            out.add(new MalformedEvent(received, AuditChannel.NAME, cursor.malformedKind(), cursor.offset(),
                    cursor.malformedDetail()));
        }
    }

    @Override
    public void idle(Instant now, List<Event> out) {
        this.out = out;
        reassembler.expire(now, complete);
        if (lost != null) {
            lost.poll(now, out);
        }
    }

    @Override
    public void finish(Instant now, List<Event> out) {
        this.out = out;
        reassembler.flush(complete);
    }
}
