package io.upcall.core;

import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.linux.ReceiveBatch;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.cnproc.CnProc;
import io.upcall.protocol.cnproc.CnProcDecoder;
import io.upcall.protocol.cnproc.CnProcEncoder;
import io.upcall.protocol.cnproc.ProcEvent;
import io.upcall.protocol.netlink.Netlink;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The proc connector ({@code NETLINK_CONNECTOR}, group {@code CN_IDX_PROC}): fork, exec, exit and the rest.
 *
 * <p>One thread reads: it takes every queued datagram at once with {@code recvmmsg}, believes only the
 * kernel (sender port 0), decodes, checks the per-CPU sequence for gaps, and hands the batch to the
 * pipeline, which never blocks it. It polls with a short timeout when idle so that {@link #close()}
 * is seen promptly, and it is the thread that unsubscribes and closes the socket.
 *
 * <p>Asking for a subset of event types uses the kernel-side filter (Linux 6.6+); the pipeline applies the
 * user's selection again, so older kernels give the same stream. With the kernel filter on, sequence
 * gaps cannot be told from filtered events, so only ENOBUFS reports loss (count unknown).
 */
final class ProcConnectorSource implements AutoCloseable {
    static final String CHANNEL = "proc";
    private static final int BATCH = 64;
    private static final int MESSAGE_BYTES = 512;
    private static final int POLL_MILLIS = 100;

    private final ProcOptions options;
    private final WallClock clock;
    private final Consumer<String> warnings;
    private final ErrorHandler errors;
    private final boolean kernelFilter;
    private final int subscribeMask;
    private final SequenceTracker sequences = new SequenceTracker();
    private final NetlinkCursor cursor = new NetlinkCursor();
    private volatile boolean stopping;
    private MemorySegment datagram;
    private boolean refusalReported;
    private NetlinkSocket socket;
    private Thread thread;
    private int grantedBuffer;

    /**
     * @param options  what the user asked for
     * @param extra    event types needed beyond the user's (the process table's), as a kernel mask
     */
    ProcConnectorSource(ProcOptions options, int extra, WallClock clock, KernelVersion kernel, Consumer<String> warnings,
            ErrorHandler errors) {
        this.options = options;
        this.clock = clock;
        this.warnings = warnings;
        this.errors = errors;
        this.subscribeMask = options.kernelMask() | extra;
        this.kernelFilter = (subscribeMask & ALL_TYPES) != ALL_TYPES && kernel.atLeast(6, 6);
        if (!kernelFilter && (subscribeMask & ALL_TYPES) != ALL_TYPES) {
            warnings.accept("this kernel (" + kernel.release() + ") cannot filter proc event types (Linux 6.6+): "
                    + "every event is received and filtered in user space");
        }
    }

    private static final int ALL_TYPES = ProcOptions.defaults().kernelMask();

    /** Opens, sizes and binds the socket, subscribes, and starts the reading thread. */
    void start(Pipeline.Publisher out) throws LinuxException {
        NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_CONNECTOR);
        try {
            grantedBuffer = ReceiveBuffers.size(s, options.receiveBuffer(), warnings);
            s.bind(1 << (CnProc.CN_IDX_PROC - 1));
            s.send(subscription(CnProc.PROC_CN_MCAST_LISTEN, s.portId()));
        } catch (LinuxException e) {
            s.close();
            throw e;
        }
        socket = s;
        thread = Thread.ofPlatform().name("upcall-proc").start(() -> run(out));
    }

    /** This listener's netlink port id (what a forger would send to). */
    int portId() throws LinuxException {
        return socket.portId();
    }

    /** The receive buffer the kernel granted (as {@code SO_RCVBUF} reads back: twice the request). */
    int receiveBuffer() {
        return grantedBuffer;
    }

    boolean kernelFilter() {
        return kernelFilter;
    }

    private byte[] subscription(int op, int portId) {
        return kernelFilter ? CnProcEncoder.procInput(op, subscribeMask, 1, portId) : CnProcEncoder.mcastOp(op, 1, portId);
    }

    private void run(Pipeline.Publisher out) {
        try (ReceiveBatch batch = new ReceiveBatch(BATCH, MESSAGE_BYTES)) {
            List<Event> events = new ArrayList<>(BATCH + 4);
            while (!stopping) {
                int n = socket.receive(batch);
                if (n == NetlinkSocket.OVERFLOW) {
                    events.add(new LossEvent(clock.now(), CHANNEL, LossEvent.UNKNOWN, kernelFilter
                            ? "receive buffer overflow (ENOBUFS)"
                            : "receive buffer overflow (ENOBUFS); sequence gaps give the count"));
                } else if (n == 0) {
                    socket.poll(POLL_MILLIS);
                    continue;
                } else {
                    for (int i = 0; i < n; i++) {
                        datagram(batch, i, events);
                    }
                }
                if (!events.isEmpty()) {
                    out.publish(events.toArray(new Event[0]), events.size());
                    events.clear();
                }
            }
        } catch (LinuxException | RuntimeException e) {
            errors.onError("proc source", e);
        } finally {
            out.flush();
            unsubscribe();
            socket.close();
        }
    }

    private void datagram(ReceiveBatch batch, int i, List<Event> events) {
        int sender = batch.senderPort(i);
        if (sender != 0) {
            events.add(new RejectedEvent(clock.now(), CHANNEL, sender, "sender port id " + Integer.toUnsignedString(sender)
                    + " is not the kernel"));
            return;
        }
        if (batch.truncated(i)) {
            events.add(new MalformedEvent(clock.now(), CHANNEL, "truncated", MESSAGE_BYTES, "datagram longer than "
                    + MESSAGE_BYTES + " bytes"));
            return;
        }
        datagram = batch.data(i);
        cursor.reset(datagram);
        while (cursor.next()) {
            switch (cursor.type()) {
                case Netlink.NLMSG_NOOP -> { }
                case Netlink.NLMSG_OVERRUN -> events.add(new LossEvent(clock.now(), CHANNEL, LossEvent.UNKNOWN,
                        "NLMSG_OVERRUN from the kernel"));
                case Netlink.NLMSG_ERROR -> {
                    if (cursor.errorCode() != 0) {
                        errors.onError("proc source", new IllegalStateException("kernel answered NLMSG_ERROR "
                                + cursor.errorCode()));
                    }
                }
                default -> message(events);
            }
        }
        if (cursor.malformedKind() != null) {
            events.add(new MalformedEvent(clock.now(), CHANNEL, cursor.malformedKind(), cursor.offset(),
                    cursor.malformedDetail()));
        }
    }

    private void message(List<Event> events) {
        DecodeResult<ProcEvent> result = CnProcDecoder.decode(datagram, cursor.payloadOffset(), cursor.payloadLength());
        switch (result) {
            case DecodeResult.Decoded<ProcEvent> d -> event(d.value(), events);
            case DecodeResult.Skipped<ProcEvent> s -> { }
            case DecodeResult.Malformed<ProcEvent> m -> events.add(new MalformedEvent(clock.now(), CHANNEL, m.kind(),
                    m.offset(), m.detail()));
        }
    }

    private void event(ProcEvent event, List<Event> events) {
        if (!kernelFilter) {
            long missing = sequences.observe(event.cpu(), event.seq());
            if (missing > 0) {
                events.add(new LossEvent(clock.now(), CHANNEL, missing, "cn_msg.seq gap on cpu " + event.cpu()));
            }
        }
        if (event instanceof ProcEvent.Ack ack) {
            if (ack.err() != 0 && !refusalReported) {
                refusalReported = true;
                errors.onError("proc source", new IllegalStateException("the kernel refused a proc connector "
                        + "subscription (its own or another listener's) with errno " + ack.err()));
            }
            return;
        }
        events.add(new ProcessEvent(clock.toInstant(event.timestampNs()), event, null));
    }

    private void unsubscribe() {
        try {
            socket.send(subscription(CnProc.PROC_CN_MCAST_IGNORE, socket.portId()));
        } catch (LinuxException e) {
            errors.onError("proc source: unsubscribing", e);
        }
    }

    /** Stops the reading thread (within one poll interval), which unsubscribes and closes the socket. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        if (thread != null && thread != Thread.currentThread()) {
            thread.join();
        }
    }
}
