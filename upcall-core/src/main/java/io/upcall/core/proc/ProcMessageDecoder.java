package io.upcall.core.proc;

import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.Envelope;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.core.event.MalformedEvent;
import io.upcall.core.netlink.KernelSender;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.cnproc.CnProcDecoder;
import io.upcall.protocol.cnproc.ProcEvent;
import io.upcall.protocol.netlink.Netlink;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.List;

/**
 * Verifies and decodes proc-connector datagrams, the same way for a live socket, the recorder and a replayed
 * capture: believes only the kernel (sender port 0), walks the netlink frames, decodes each {@code cn_msg},
 * finds per-CPU sequence gaps, and reports what it rejects or cannot decode as events of its own. Owned by one
 * thread.
 */
final class ProcMessageDecoder implements MessageDecoder {
    private static final String CHANNEL = ProcChannel.NAME;

    private final NetlinkCursor cursor = new NetlinkCursor();
    private final SequenceTracker sequences = new SequenceTracker();
    private final boolean trackGaps;
    private final DecodeContext context;
    private boolean complained;

    /**
     * @param trackGaps whether this listener receives every event, so that sequence gaps mean loss (not with
     *                  the kernel's type filter, which makes gaps of what it filters)
     */
    ProcMessageDecoder(boolean trackGaps, DecodeContext context) {
        this.trackGaps = trackGaps;
        this.context = context;
    }

    @Override
    public void decode(MemorySegment datagram, Envelope envelope, Instant received, List<Event> out) {
        if (!KernelSender.isWholeFromKernel(CHANNEL, envelope, received, out)) {
            return;
        }
        cursor.reset(datagram);
        while (cursor.next()) {
            switch (cursor.type()) {
                case Netlink.NLMSG_NOOP -> { }
                case Netlink.NLMSG_OVERRUN -> out.add(new LossEvent(received, CHANNEL, LossEvent.UNKNOWN,
                        "NLMSG_OVERRUN from the kernel"));
                case Netlink.NLMSG_ERROR -> {
                    if (cursor.errorCode() != 0) {
                        complain("the kernel answered NLMSG_ERROR " + cursor.errorCode());
                    }
                }
                default -> message(datagram, received, out);
            }
        }
        if (cursor.malformedKind() != null) {
            out.add(new MalformedEvent(received, CHANNEL, cursor.malformedKind(), cursor.offset(), cursor.malformedDetail()));
        }
    }

    private void message(MemorySegment datagram, Instant received, List<Event> out) {
        switch (CnProcDecoder.decode(datagram, cursor.payloadOffset(), cursor.payloadLength())) {
            case DecodeResult.Decoded<ProcEvent> d -> event(d.value(), received, out);
            case DecodeResult.Skipped<ProcEvent> s -> { }
            case DecodeResult.Malformed<ProcEvent> m -> out.add(new MalformedEvent(received, CHANNEL, m.kind(), m.offset(),
                    m.detail()));
        }
    }

    private void event(ProcEvent event, Instant received, List<Event> out) {
        if (trackGaps) {
            long missing = sequences.observe(event.cpu(), event.seq());
            if (missing > 0) {
                out.add(new LossEvent(received, CHANNEL, missing, "cn_msg.seq gap on cpu " + event.cpu()));
            }
        }
        if (event instanceof ProcEvent.Ack ack) {
            if (ack.err() != 0) {
                complain("the kernel refused a proc connector subscription (this listener's or another's) with errno "
                        + ack.err());
            }
            return;
        }
        out.add(new ProcessEvent(context.clock().of(event.timestampNs(), received), event, null));
    }

    /** The kernel said no to something: tell the error handler once, not on every acknowledgement. */
    private void complain(String what) {
        if (!complained) {
            complained = true;
            context.errors().onError("proc source", new IllegalStateException(what));
        }
    }
}
