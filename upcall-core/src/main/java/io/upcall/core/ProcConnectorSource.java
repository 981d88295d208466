package io.upcall.core;

import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.linux.ReceiveBatch;
import io.upcall.protocol.cnproc.CnProc;
import io.upcall.protocol.cnproc.CnProcEncoder;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The proc connector ({@code NETLINK_CONNECTOR}, group {@code CN_IDX_PROC}): fork, exec, exit and the rest.
 *
 * <p>One thread reads: a blocking {@code recvmmsg(MSG_WAITFORONE)} takes every queued datagram at once;
 * it believes only the kernel (sender port 0), decodes, checks the per-CPU sequence for gaps, and
 * hands the batch to the pipeline, which never blocks it. After a partial batch it pauses for two
 * milliseconds so that the next wake-up carries many events. A receive timeout lets it see
 * {@link #close()} promptly; it is the thread that unsubscribes and closes the socket.
 *
 * <p>Asking for a subset of event types uses the kernel-side filter (Linux 6.6+); the pipeline applies the
 * user's selection again, so older kernels give the same stream. With the kernel filter on, sequence
 * gaps cannot be told from filtered events, so only ENOBUFS reports loss (count unknown).
 */
final class ProcConnectorSource implements AutoCloseable {
    static final String CHANNEL = "proc";
    private static final int BATCH = 64;
    private static final int MESSAGE_BYTES = 512;
    /** How long a blocking receive waits before the thread looks at its stop flag again. */
    private static final int RECEIVE_TIMEOUT_MILLIS = 100;
    /** The pause after a partial batch: at most this much added latency, in exchange for fewer wake-ups. */
    private static final long COALESCE_NANOS = Long.getLong("upcall.proc.coalesceNanos", 2_000_000L);

    private final ProcOptions options;
    private final WallClock clock;
    private final Consumer<String> warnings;
    private final ErrorHandler errors;
    private final boolean kernelFilter;
    private final int subscribeMask;
    private final RawTap tap;
    private volatile boolean stopping;
    private boolean complained;
    private NetlinkSocket socket;
    private Thread thread;
    private int grantedBuffer;

    /**
     * @param options  what the user asked for
     * @param extra    event types needed beyond the user's (the process table's), as a kernel mask
     * @param tap      sees every datagram as received (for recording), or null
     */
    ProcConnectorSource(ProcOptions options, int extra, WallClock clock, KernelVersion kernel, Consumer<String> warnings,
            ErrorHandler errors, RawTap tap) {
        this.tap = tap;
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
            s.setReceiveTimeout(RECEIVE_TIMEOUT_MILLIS);
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
            ProcDatagrams decoder = new ProcDatagrams(!kernelFilter, (event, received) -> clock.toInstant(event.timestampNs()),
                    this::complain);
            while (!stopping) {
                int n = socket.receive(batch, true);
                if (n == NetlinkSocket.OVERFLOW) {
                    events.add(new LossEvent(clock.now(), CHANNEL, LossEvent.UNKNOWN, kernelFilter
                            ? "receive buffer overflow (ENOBUFS)"
                            : "receive buffer overflow (ENOBUFS); sequence gaps give the count"));
                } else if (n == 0) {
                    continue; // the receive timeout passed: look at the stop flag again
                } else {
                    Instant received = clock.now();
                    for (int i = 0; i < n; i++) {
                        MemorySegment datagram = batch.data(i);
                        if (tap != null) {
                            tap.accept(NetlinkSocket.NETLINK_CONNECTOR, batch.senderPort(i), batch.senderGroups(i), received,
                                    datagram);
                        }
                        decoder.accept(datagram, batch.senderPort(i), batch.truncated(i) ? MESSAGE_BYTES : -1, received,
                                events);
                    }
                }
                if (!events.isEmpty()) {
                    out.publish(events.toArray(new Event[0]), events.size());
                    events.clear();
                }
                if (n > 0 && n < BATCH && COALESCE_NANOS > 0) {
                    // A partial batch means the socket is drained: let a few more events queue up, so that
                    // each wake-up (here, in the dispatcher and in its write) carries many events, not one.
                    LockSupport.parkNanos(COALESCE_NANOS);
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

    /** The kernel said no to something: tell the error handler once, not on every acknowledgement. */
    private void complain(String what) {
        if (!complained) {
            complained = true;
            errors.onError("proc source", new IllegalStateException(what));
        }
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
