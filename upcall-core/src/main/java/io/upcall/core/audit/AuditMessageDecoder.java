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
import java.lang.foreign.ValueLayout;
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
    /** The kernel asking the registered audit daemon whether it still runs (when another tries to register). */
    static final int AUDIT_REPLACE = 1329;

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
        cursor.reset(daemonLengthFixed(datagram));
        while (cursor.next()) {
            int type = cursor.type();
            if (type < Audit.AUDIT_GET || type == Netlink.NLMSG_ERROR || type == Audit.AUDIT_GET
                    || type == AUDIT_REPLACE) {
                continue; // acknowledgements, status answers and the kernel's "are you alive" to a daemon are no records
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

    /**
     * The records the kernel sends the audit daemon (unicast) say in {@code nlmsg_len} the length of their payload only,
     * without the 16-byte header: {@code audit_log_end} has set it so since the first auditd, and the kernel mends it
     * only in the multicast copy. Such a datagram (one record, {@code nlmsg_len + 16} bytes long) is read with the length
     * it really has; every other datagram is read as it is.
     */
    static MemorySegment daemonLengthFixed(MemorySegment datagram) {
        long size = datagram.byteSize();
        if (size < Netlink.NLMSG_HDRLEN || size > Integer.MAX_VALUE) {
            return datagram;
        }
        int len = datagram.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
        int type = Short.toUnsignedInt(datagram.get(ValueLayout.JAVA_SHORT_UNALIGNED, 4));
        if (type < 1100 /* AUDIT_FIRST_USER_MSG: records, not replies */ || (long) len + Netlink.NLMSG_HDRLEN != size) {
            return datagram;
        }
        MemorySegment fixed = MemorySegment.ofArray(datagram.toArray(ValueLayout.JAVA_BYTE));
        fixed.set(ValueLayout.JAVA_INT_UNALIGNED, 0, (int) size);
        return fixed;
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
