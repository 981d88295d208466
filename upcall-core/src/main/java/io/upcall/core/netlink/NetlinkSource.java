package io.upcall.core.netlink;

import io.upcall.core.channel.ChannelContext;
import io.upcall.core.channel.Deferred;
import io.upcall.core.channel.LiveChannel;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.linux.ReceiveBatch;
import java.time.Instant;

/**
 * A netlink channel opened live: owns the socket, sizes its receive buffer ({@link ReceiveBuffers}), lets the
 * channel bind and subscribe, and reads on a {@link NetlinkReader} thread, which unsubscribes and closes the socket
 * when it stops. What differs between netlink channels is in a {@link Spec}, a {@link Subscription} and a
 * {@link Reading}.
 */
public final class NetlinkSource implements LiveChannel {

    /**
     * @param channel        the channel's name (thread name, loss reports)
     * @param family         the netlink protocol ({@code NETLINK_CONNECTOR}, ...)
     * @param messageBytes   the largest datagram expected; a longer one is cut and reported as malformed
     * @param overflowReason what a loss event on ENOBUFS says
     */
    public record Spec(String channel, int family, int messageBytes, String overflowReason) {}

    /** Binding, joining groups and asking the kernel to send; undone when the channel stops. */
    public interface Subscription {
        void subscribe(NetlinkSocket socket) throws LinuxException;

        /** Runs on the reading thread, last, before the socket closes. */
        default void unsubscribe(NetlinkSocket socket) throws LinuxException {}
    }

    /** Copies a receive into a {@link Deferred} batch, to be decoded on the dispatch thread. */
    @FunctionalInterface
    public interface Copier {
        Deferred copy(ReceiveBatch batch, int received, Instant when, int truncatedAt);
    }

    /** Where datagrams are decoded: on the reading thread as they come, or later on the dispatch thread. */
    public sealed interface Reading {
        record Inline(MessageDecoder decoder) implements Reading {}

        record Later(Copier copier) implements Reading {}
    }

    /** Something the channel does to the socket before reading starts. */
    interface Setup {
        void run() throws LinuxException;
    }

    private final NetlinkSocket socket;
    private final NetlinkReader reader;
    private int grantedBuffer;

    private NetlinkSource(NetlinkSocket socket, NetlinkReader reader) {
        this.socket = socket;
        this.reader = reader;
    }

    /**
     * Opens the socket, starts the reading thread (waiting), sizes the buffer to {@code receiveBuffer}, subscribes,
     * then lets the thread read. On failure nothing is left open and the kernel's refusal is thrown.
     */
    public static NetlinkSource open(Spec spec, int receiveBuffer, Subscription subscription, Reading reading,
            ChannelContext context) throws LinuxException {
        NetlinkSocket socket = NetlinkSocket.open(spec.family());
        NetlinkReader reader = new NetlinkReader(spec.channel(), socket, spec.messageBytes(), context, spec.overflowReason());
        NetlinkSource source = new NetlinkSource(socket, reader);
        reader.start(reading, () -> {
            try {
                subscription.unsubscribe(socket);
            } catch (LinuxException e) {
                context.errors().onError(spec.channel() + " source: unsubscribing", e);
            }
        });
        reader.subscribe(() -> {
            source.grantedBuffer = ReceiveBuffers.size(socket, receiveBuffer, context::warn);
            socket.setReceiveTimeout(NetlinkReader.RECEIVE_TIMEOUT_MILLIS);
            subscription.subscribe(socket);
        });
        return source;
    }

    /** This listener's netlink port id (what a forger would send to). */
    public int portId() throws LinuxException {
        return socket.portId();
    }

    @Override
    public int receiveBuffer() {
        return grantedBuffer;
    }

    /** Stops the reading thread (within one receive timeout), which unsubscribes and closes the socket. */
    @Override
    public void close() throws InterruptedException {
        reader.stop();
    }
}
