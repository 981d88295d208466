package io.upcall.core;

import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.protocol.cnproc.CnProc;
import io.upcall.protocol.cnproc.CnProcEncoder;
import java.util.function.Consumer;

/**
 * The proc connector ({@code NETLINK_CONNECTOR}, group {@code CN_IDX_PROC}): fork, exec, exit and the rest.
 *
 * <p>A {@link NetlinkReader} thread reads; {@link ProcDatagrams} believes only the kernel (sender port 0),
 * decodes and checks the per-CPU sequence for gaps. The reading thread unsubscribes and closes the socket.
 *
 * <p>Asking for a subset of event types uses the kernel-side filter (Linux 6.6+); the pipeline applies the
 * user's selection again, so older kernels give the same stream. With the kernel filter on, sequence
 * gaps cannot be told from filtered events, so only ENOBUFS reports loss (count unknown).
 */
final class ProcConnectorSource implements AutoCloseable {
    static final String CHANNEL = "proc";
    private static final int MESSAGE_BYTES = 512;

    private final ProcOptions options;
    private final WallClock clock;
    private final Consumer<String> warnings;
    private final ErrorHandler errors;
    private final boolean kernelFilter;
    private final int subscribeMask;
    private final RawTap tap;
    private final long batchDelayNanos;
    private boolean complained;
    private NetlinkSocket socket;
    private NetlinkReader reader;
    private int grantedBuffer;

    /**
     * @param options  what the user asked for
     * @param extra    event types needed beyond the user's (the process table's), as a kernel mask
     * @param tap      sees every datagram as received (for recording), or null
     * @param batchDelayNanos the pause after a partial batch (see {@link Upcall.Builder#batchDelay})
     */
    ProcConnectorSource(ProcOptions options, int extra, WallClock clock, KernelVersion kernel, Consumer<String> warnings,
            ErrorHandler errors, RawTap tap, long batchDelayNanos) {
        this.tap = tap;
        this.batchDelayNanos = batchDelayNanos;
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
        ProcDatagrams decoder = new ProcDatagrams(!kernelFilter, (event, received) -> clock.toInstant(event.timestampNs()),
                this::complain);
        reader = new NetlinkReader(CHANNEL, s, MESSAGE_BYTES, clock, tap, errors, kernelFilter
                ? "receive buffer overflow (ENOBUFS)"
                : "receive buffer overflow (ENOBUFS); sequence gaps give the count", batchDelayNanos);
        reader.start((batch, i, datagram, received, events) -> decoder.accept(datagram, batch.senderPort(i),
                batch.truncated(i) ? MESSAGE_BYTES : -1, received, events), out, this::unsubscribe);
        socket = s;
        reader.subscribe(() -> {
            grantedBuffer = ReceiveBuffers.size(s, options.receiveBuffer(), warnings);
            s.setReceiveTimeout(NetlinkReader.RECEIVE_TIMEOUT_MILLIS);
            s.bind(1 << (CnProc.CN_IDX_PROC - 1));
            s.send(subscription(CnProc.PROC_CN_MCAST_LISTEN, s.portId()));
        });
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

    /** Stops the reading thread (within one receive timeout), which unsubscribes and closes the socket. */
    @Override
    public void close() throws InterruptedException {
        if (reader != null) {
            reader.stop();
        }
    }
}
