package io.upcall.core;

import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.cnproc.CnProcDecoder;
import io.upcall.protocol.cnproc.ProcEvent;
import io.upcall.protocol.netlink.Netlink;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns proc-connector datagrams into events, the same way for a live socket and for a replayed
 * capture: believes only the kernel (sender port 0), walks the netlink frames, decodes, finds
 * per-CPU sequence gaps, and reports what it rejects or cannot decode as events of its own.
 * Owned by one thread.
 */
final class ProcDatagrams {
    /** When an event happened, given its kernel timestamp and when its datagram was received. */
    interface EventTime {
        Instant of(ProcEvent event, Instant received);
    }

    private final NetlinkCursor cursor = new NetlinkCursor();
    private final SequenceTracker sequences = new SequenceTracker();
    private final boolean trackGaps;
    private final EventTime eventTime;
    private final Consumer<String> kernelComplaints;

    /**
     * @param trackGaps        whether this listener receives every event, so that sequence gaps mean loss
     * @param kernelComplaints told of an NLMSG_ERROR or a refused subscription
     */
    ProcDatagrams(boolean trackGaps, EventTime eventTime, Consumer<String> kernelComplaints) {
        this.trackGaps = trackGaps;
        this.eventTime = eventTime;
        this.kernelComplaints = kernelComplaints;
    }

    /**
     * Decodes one datagram into {@code out}.
     * @param truncatedAt the buffer size when the kernel cut the datagram, or -1
     */
    void accept(MemorySegment datagram, int senderPort, long truncatedAt, Instant received, List<Event> out) {
        String channel = ProcConnectorSource.CHANNEL;
        if (senderPort != 0) {
            out.add(new RejectedEvent(received, channel, senderPort, "sender port id " + Integer.toUnsignedString(senderPort)
                    + " is not the kernel"));
            return;
        }
        if (truncatedAt >= 0) {
            out.add(new MalformedEvent(received, channel, "truncated", truncatedAt, "datagram longer than " + truncatedAt
                    + " bytes"));
            return;
        }
        cursor.reset(datagram);
        while (cursor.next()) {
            switch (cursor.type()) {
                case Netlink.NLMSG_NOOP -> { }
                case Netlink.NLMSG_OVERRUN -> out.add(new LossEvent(received, channel, LossEvent.UNKNOWN,
                        "NLMSG_OVERRUN from the kernel"));
                case Netlink.NLMSG_ERROR -> {
                    if (cursor.errorCode() != 0) {
                        kernelComplaints.accept("the kernel answered NLMSG_ERROR " + cursor.errorCode());
                    }
                }
                default -> message(datagram, received, out);
            }
        }
        if (cursor.malformedKind() != null) {
            out.add(new MalformedEvent(received, channel, cursor.malformedKind(), cursor.offset(), cursor.malformedDetail()));
        }
    }

    private void message(MemorySegment datagram, Instant received, List<Event> out) {
        switch (CnProcDecoder.decode(datagram, cursor.payloadOffset(), cursor.payloadLength())) {
            case DecodeResult.Decoded<ProcEvent> d -> event(d.value(), received, out);
            case DecodeResult.Skipped<ProcEvent> s -> { }
            case DecodeResult.Malformed<ProcEvent> m -> out.add(new MalformedEvent(received, ProcConnectorSource.CHANNEL,
                    m.kind(), m.offset(), m.detail()));
        }
    }

    private void event(ProcEvent event, Instant received, List<Event> out) {
        if (trackGaps) {
            long missing = sequences.observe(event.cpu(), event.seq());
            if (missing > 0) {
                out.add(new LossEvent(received, ProcConnectorSource.CHANNEL, missing, "cn_msg.seq gap on cpu " + event.cpu()));
            }
        }
        if (event instanceof ProcEvent.Ack ack) {
            if (ack.err() != 0) {
                kernelComplaints.accept("the kernel refused a proc connector subscription (this listener's or another's) "
                        + "with errno " + ack.err());
            }
            return;
        }
        out.add(new ProcessEvent(eventTime.of(event, received), event, null));
    }
}
