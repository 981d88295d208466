package io.upcall.core;

import io.upcall.protocol.uevent.Uevent;
import java.time.Instant;

/**
 * A device event: a uevent from the kernel (hotplug, and the kernel events layer's change, online,
 * offline, move, bind, unbind) or udev's re-broadcast of one. {@link #type()} is the action.
 */
public record DeviceEvent(Instant time, Uevent uevent) implements Event {

    @Override
    public String source() {
        return "device";
    }

    @Override
    public String type() {
        return uevent.action();
    }
}
