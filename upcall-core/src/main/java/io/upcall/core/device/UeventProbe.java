package io.upcall.core.device;

import io.upcall.core.channel.Availability;
import io.upcall.core.netlink.ReceiveBuffers;
import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;

/** Whether uevents can be received here: a {@code NETLINK_KOBJECT_UEVENT} socket bound to the kernel's group. */
final class UeventProbe {
    private UeventProbe() {}

    static Availability check() {
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_KOBJECT_UEVENT)) {
            s.setPassCredentials(true);
            s.bind(1);
            String buffer = ReceiveBuffers.note(s);
            return new Availability(DeviceChannel.NAME, true, "uevent group 1 joined, sender credentials checked; " + buffer);
        } catch (LinuxException e) {
            String why = e.errno() == Errno.EPROTONOSUPPORT ? ": the kernel has no uevent netlink (CONFIG_NET, hotplug)"
                    : e.isPermissionDenied() ? ": not allowed to join the uevent group here (a network namespace?)" : "";
            return new Availability(DeviceChannel.NAME, false, e.getMessage() + why);
        }
    }
}
