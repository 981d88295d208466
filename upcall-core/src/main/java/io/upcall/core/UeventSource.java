package io.upcall.core;

import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import java.util.function.Consumer;

/**
 * Uevents ({@code NETLINK_KOBJECT_UEVENT}): group 1, the kernel's own messages, and with
 * {@link DeviceOptions#udev()} group 2, udev's re-broadcast. {@code SO_PASSCRED} is on, so that
 * {@link UeventDatagrams} can refuse anything not sent by the kernel or by root.
 */
final class UeventSource implements AutoCloseable {
    /** {@code UEVENT_BUFFER_SIZE} is 2048; udev's messages carry more properties: room for both. */
    private static final int MESSAGE_BYTES = 8192;

    private final DeviceOptions options;
    private final WallClock clock;
    private final Consumer<String> warnings;
    private final ErrorHandler errors;
    private final RawTap tap;
    private final long batchDelayNanos;
    private NetlinkSocket socket;
    private NetlinkReader reader;

    UeventSource(DeviceOptions options, WallClock clock, Consumer<String> warnings, ErrorHandler errors, RawTap tap,
            long batchDelayNanos) {
        this.batchDelayNanos = batchDelayNanos;
        this.options = options;
        this.clock = clock;
        this.warnings = warnings;
        this.errors = errors;
        this.tap = tap;
    }

    void start(Pipeline.Publisher out) throws LinuxException {
        NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_KOBJECT_UEVENT);
        UeventDatagrams decoder = new UeventDatagrams(options, true);
        reader = new NetlinkReader(UeventDatagrams.CHANNEL, s, MESSAGE_BYTES, clock, tap, errors,
                "receive buffer overflow (ENOBUFS)", batchDelayNanos);
        // Checked and decoded on the dispatch thread: this thread only copies (RawUevents says why).
        reader.startDeferred((batch, n, received) -> RawUevents.copy(decoder, batch, n, received, MESSAGE_BYTES), out,
                () -> { });
        socket = s;
        reader.subscribe(() -> {
            ReceiveBuffers.size(s, options.receiveBuffer(), warnings);
            s.setReceiveTimeout(NetlinkReader.RECEIVE_TIMEOUT_MILLIS);
            s.setPassCredentials(true);
            s.bind(options.udev() ? 0b11 : 0b01);
        });
    }

    /** This listener's netlink port id. */
    int portId() throws LinuxException {
        return socket.portId();
    }

    @Override
    public void close() throws InterruptedException {
        if (reader != null) {
            reader.stop();
        }
    }
}
