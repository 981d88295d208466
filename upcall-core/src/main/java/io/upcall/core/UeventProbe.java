package io.upcall.core;

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
            String buffer;
            try {
                s.setReceiveBufferForce(ProcOptions.DEFAULT_RECEIVE_BUFFER);
                buffer = "receive buffer " + (s.receiveBuffer() >> 20) + " MiB (SO_RCVBUFFORCE)";
            } catch (LinuxException e) {
                buffer = "SO_RCVBUFFORCE refused (" + e.errnoName() + "): receive buffer capped by net.core.rmem_max";
            }
            return new Availability("device", true, "uevent group 1 joined, sender credentials checked; " + buffer);
        } catch (LinuxException e) {
            String why = e.errno() == Errno.EPROTONOSUPPORT ? ": the kernel has no uevent netlink (CONFIG_NET, hotplug)"
                    : e.isPermissionDenied() ? ": not allowed to join the uevent group here (a network namespace?)" : "";
            return new Availability("device", false, e.getMessage() + why);
        }
    }
}
