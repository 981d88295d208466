package io.upcall.core;

import java.util.Set;

/**
 * How to listen to uevents.
 *
 * @param subsystems    keep only these subsystems (empty: all)
 * @param devtype       keep only this devtype (null: all)
 * @param actions       keep only these actions (empty: all)
 * @param udev          also listen to udev's re-broadcast (group 2, libudev format)
 * @param receiveBuffer bytes of socket receive buffer to ask for
 */
public record DeviceOptions(Set<String> subsystems, String devtype, Set<String> actions, boolean udev, int receiveBuffer) {

    public DeviceOptions {
        subsystems = Set.copyOf(subsystems);
        actions = Set.copyOf(actions);
    }

    public static DeviceOptions defaults() {
        return new DeviceOptions(Set.of(), null, Set.of(), false, ProcOptions.DEFAULT_RECEIVE_BUFFER);
    }

    boolean keeps(io.upcall.protocol.uevent.Uevent u) {
        return (subsystems.isEmpty() || u.subsystem() != null && subsystems.contains(u.subsystem()))
                && (devtype == null || devtype.equals(u.devtype()))
                && (actions.isEmpty() || u.action() != null && actions.contains(u.action()));
    }
}
