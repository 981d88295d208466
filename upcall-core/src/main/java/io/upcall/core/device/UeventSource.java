package io.upcall.core.device;

import io.upcall.core.channel.ChannelContext;
import io.upcall.core.netlink.NetlinkSource;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;

/**
 * Uevents live ({@code NETLINK_KOBJECT_UEVENT}): group 1, the kernel's own messages, and with
 * {@link DeviceOptions#udev()} group 2, udev's re-broadcast. {@code SO_PASSCRED} is on, so that
 * {@link UeventMessageDecoder} can refuse anything not sent by the kernel or by root. The reading thread only
 * copies; checks and decoding run on the dispatch thread ({@link DeferredUevents} says why).
 */
final class UeventSource {
    /** {@code UEVENT_BUFFER_SIZE} is 2048; udev's messages carry more properties: room for both. */
    private static final int MESSAGE_BYTES = 8192;

    private UeventSource() {}

    static NetlinkSource open(DeviceOptions options, ChannelContext context) throws LinuxException {
        UeventMessageDecoder decoder = new UeventMessageDecoder(options, true);
        NetlinkSource.Spec spec = new NetlinkSource.Spec(DeviceChannel.NAME, NetlinkSocket.NETLINK_KOBJECT_UEVENT,
                MESSAGE_BYTES, "receive buffer overflow (ENOBUFS)");
        NetlinkSource.Subscription subscription = socket -> {
            socket.setPassCredentials(true);
            socket.bind(options.udev() ? 0b11 : 0b01);
        };
        return NetlinkSource.open(spec, options.receiveBuffer(), subscription,
                new NetlinkSource.Reading.Later((batch, n, when, truncatedAt) -> DeferredUevents.copy(decoder, batch, n,
                        when, truncatedAt)), context);
    }
}
