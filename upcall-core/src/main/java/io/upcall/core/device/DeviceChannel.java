package io.upcall.core.device;

import io.upcall.core.channel.Availability;
import io.upcall.core.channel.CaptureLink;
import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelContext;
import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.LiveChannel;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;

/**
 * Device events: uevents of hotplug and the kernel events layer ({@code udevadm monitor}), the kernel's own
 * (group 1) and, when asked, udev's re-broadcast (group 2).
 */
public final class DeviceChannel implements Channel<DeviceOptions> {
    /** The channel's name, in the stream and on the command line. */
    public static final String NAME = "device";
    /** The one instance; {@link java.util.ServiceLoader} finds it through the public constructor. */
    public static final DeviceChannel INSTANCE = new DeviceChannel();

    /** For {@link java.util.ServiceLoader}; use {@link #INSTANCE}. */
    public DeviceChannel() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "device events (uevents): add, remove, change, ...";
    }

    @Override
    public DeviceOptions defaults() {
        return DeviceOptions.defaults();
    }

    @Override
    public Availability probe() {
        return UeventProbe.check();
    }

    @Override
    public CaptureLink link() {
        return new CaptureLink.Netlink(NetlinkSocket.NETLINK_KOBJECT_UEVENT);
    }

    /** Live, credentials must be present; a capture did not keep them, so the sender port alone decides. */
    @Override
    public MessageDecoder decoder(DeviceOptions options, DecodeContext context) {
        return new UeventMessageDecoder(options, context.live());
    }

    @Override
    public LiveChannel open(DeviceOptions options, ChannelContext context) throws LinuxException {
        return UeventSource.open(options, context);
    }
}
