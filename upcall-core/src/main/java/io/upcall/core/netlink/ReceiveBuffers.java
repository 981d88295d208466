package io.upcall.core.netlink;

import io.upcall.core.channel.ChannelOptions;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import java.util.function.Consumer;

/**
 * Sizes a socket's receive buffer: {@code SO_RCVBUFFORCE} when the process may (CAP_NET_ADMIN), else
 * {@code SO_RCVBUF}, which the kernel silently caps at {@code net.core.rmem_max}, with a warning that
 * names the cap. A bigger buffer is what lets a listener ride out a stall without loss.
 */
public final class ReceiveBuffers {
    private ReceiveBuffers() {}

    /** @return the size the kernel granted, as {@code getsockopt(SO_RCVBUF)} reports it */
    static int size(NetlinkSocket socket, int requested, Consumer<String> warnings) throws LinuxException {
        if (requested <= 0) {
            return socket.receiveBuffer();
        }
        try {
            socket.setReceiveBufferForce(requested);
        } catch (LinuxException e) {
            if (!e.isPermissionDenied()) {
                throw e;
            }
            socket.setReceiveBuffer(requested);
            int granted = socket.receiveBuffer();
            if (granted < 2L * requested) {
                warnings.accept("receive buffer is " + granted + " bytes, not the " + (2L * requested)
                        + " asked for: SO_RCVBUFFORCE needs CAP_NET_ADMIN, and SO_RCVBUF is capped by net.core.rmem_max="
                        + rmemMax() + "; run as root or raise net.core.rmem_max");
            }
            return granted;
        }
        return socket.receiveBuffer();
    }

    /**
     * What a probe says of the buffer a channel would get: asks for the default with {@code SO_RCVBUFFORCE},
     * as a live channel does, and reports what the kernel granted or why it refused.
     */
    public static String note(NetlinkSocket socket) {
        try {
            socket.setReceiveBufferForce(ChannelOptions.DEFAULT_RECEIVE_BUFFER);
            return "receive buffer " + (socket.receiveBuffer() >> 20) + " MiB (SO_RCVBUFFORCE)";
        } catch (LinuxException e) {
            return "SO_RCVBUFFORCE refused (" + e.errnoName() + "): receive buffer capped by net.core.rmem_max";
        }
    }

    private static String rmemMax() {
        String value = Sysctl.read("net.core.rmem_max");
        return value != null ? value : "unknown";
    }
}
