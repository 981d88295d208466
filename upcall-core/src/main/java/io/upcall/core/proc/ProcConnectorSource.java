package io.upcall.core.proc;

import io.upcall.core.channel.ChannelContext;
import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.LiveChannel;
import io.upcall.core.netlink.KernelVersion;
import io.upcall.core.netlink.NetlinkSource;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.protocol.cnproc.CnProc;
import io.upcall.protocol.cnproc.CnProcEncoder;

/**
 * The proc connector live ({@code NETLINK_CONNECTOR}, group {@code CN_IDX_PROC}): fork, exec, exit and the rest.
 *
 * <p>A {@link NetlinkSource} reads; {@link ProcMessageDecoder} believes only the kernel, decodes and checks the
 * per-CPU sequence for gaps, on the reading thread. The reading thread unsubscribes and closes the socket.
 *
 * <p>Asking for a subset of event types uses the kernel-side filter (Linux 6.6+); the stage applies the
 * user's selection again, so older kernels give the same stream. With the kernel filter on, sequence
 * gaps cannot be told from filtered events, so only ENOBUFS reports loss (count unknown).
 */
final class ProcConnectorSource implements LiveChannel {
    private static final int MESSAGE_BYTES = 512;
    private static final int ALL_TYPES = ProcOptions.defaults().kernelMask();

    private final boolean kernelFilter;
    private final int subscribeMask;
    private NetlinkSource source;

    private ProcConnectorSource(boolean kernelFilter, int subscribeMask) {
        this.kernelFilter = kernelFilter;
        this.subscribeMask = subscribeMask;
    }

    /** Opens, sizes and binds the socket, subscribes, and starts the reading thread. */
    static ProcConnectorSource open(ProcOptions options, ChannelContext context, KernelVersion kernel) throws LinuxException {
        // The process table needs its event types whatever the user asked for.
        int mask = options.kernelMask() | (options.needsTable() ? ProcessEnricher.TABLE_TYPES : 0);
        boolean subset = (mask & ALL_TYPES) != ALL_TYPES;
        boolean kernelFilter = subset && kernel.atLeast(6, 6);
        if (subset && !kernelFilter) {
            context.warn("this kernel (" + kernel.release() + ") cannot filter proc event types (Linux 6.6+): "
                    + "every event is received and filtered in user space");
        }
        ProcConnectorSource live = new ProcConnectorSource(kernelFilter, mask);
        ProcMessageDecoder decoder = new ProcMessageDecoder(!kernelFilter,
                DecodeContext.onWallClock(true, context.clock(), context.errors()));
        NetlinkSource.Spec spec = new NetlinkSource.Spec(ProcChannel.NAME, NetlinkSocket.NETLINK_CONNECTOR, MESSAGE_BYTES,
                kernelFilter ? "receive buffer overflow (ENOBUFS)"
                        : "receive buffer overflow (ENOBUFS); sequence gaps give the count");
        live.source = NetlinkSource.open(spec, options.receiveBuffer(), live.new Subscription(),
                new NetlinkSource.Reading.Inline(decoder), context);
        return live;
    }

    private final class Subscription implements NetlinkSource.Subscription {
        @Override
        public void subscribe(NetlinkSocket socket) throws LinuxException {
            socket.bind(1 << (CnProc.CN_IDX_PROC - 1));
            socket.send(message(CnProc.PROC_CN_MCAST_LISTEN, socket.portId()));
        }

        @Override
        public void unsubscribe(NetlinkSocket socket) throws LinuxException {
            socket.send(message(CnProc.PROC_CN_MCAST_IGNORE, socket.portId()));
        }
    }

    private byte[] message(int op, int portId) {
        return kernelFilter ? CnProcEncoder.procInput(op, subscribeMask, 1, portId) : CnProcEncoder.mcastOp(op, 1, portId);
    }

    /** This listener's netlink port id (what a forger would send to). */
    int portId() throws LinuxException {
        return source.portId();
    }

    @Override
    public int receiveBuffer() {
        return source.receiveBuffer();
    }

    /** True when the kernel filters event types for this listener. */
    boolean kernelFilter() {
        return kernelFilter;
    }

    @Override
    public void close() throws InterruptedException {
        source.close();
    }
}
