package io.upcall.core.device;

import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelOptions;
import io.upcall.protocol.uevent.Uevent;
import java.util.Set;

/**
 * How to listen to uevents.
 *
 * @param subsystems    keep only these subsystems (empty: all)
 * @param devtype       keep only this devtype (null: all)
 * @param actions       keep only these actions (empty: all)
 * @param udev          also listen to udev's re-broadcast (group 2, libudev format)
 * @param receiveBuffer bytes of socket receive buffer to ask for (the kernel doubles it)
 */
public record DeviceOptions(Set<String> subsystems, String devtype, Set<String> actions, boolean udev, int receiveBuffer)
        implements ChannelOptions {

    public DeviceOptions {
        subsystems = Set.copyOf(subsystems);
        actions = Set.copyOf(actions);
        ChannelOptions.checkReceiveBuffer(receiveBuffer);
    }

    public static DeviceOptions defaults() {
        return new DeviceOptions(Set.of(), null, Set.of(), false, DEFAULT_RECEIVE_BUFFER);
    }

    @Override
    public Channel<?> channel() {
        return DeviceChannel.INSTANCE;
    }

    @Override
    public DeviceOptions withReceiveBuffer(int bytes) {
        return new DeviceOptions(subsystems, devtype, actions, udev, bytes);
    }

    /** With udev's re-broadcast too, or not. */
    public DeviceOptions withUdev(boolean on) {
        return new DeviceOptions(subsystems, devtype, actions, on, receiveBuffer);
    }

    boolean keeps(Uevent u) {
        return (subsystems.isEmpty() || u.subsystem() != null && subsystems.contains(u.subsystem()))
                && (devtype == null || devtype.equals(u.devtype()))
                && (actions.isEmpty() || u.action() != null && actions.contains(u.action()));
    }
}
