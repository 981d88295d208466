package io.upcall.protocol.uevent;

import java.util.Map;

/**
 * One uevent: the kernel's {@code ACTION@DEVPATH} message or udev's re-broadcast of it, with every
 * property in {@link #env()} in the order sent.
 *
 * @param udev    true for udev's {@code libudev} format (group 2), false for the kernel's (group 1)
 * @param action  {@code add}, {@code remove}, {@code change}, {@code move}, {@code online}, {@code offline},
 *                {@code bind}, {@code unbind}
 * @param devpath the device's path under {@code /sys}
 * @param env     every {@code KEY=VALUE} property, in order
 */
public record Uevent(boolean udev, String action, String devpath, Map<String, String> env) {

    public String subsystem() {
        return env.get("SUBSYSTEM");
    }

    public String devtype() {
        return env.get("DEVTYPE");
    }

    /** {@code SEQNUM}, or -1 when absent or not a number. */
    public long seqnum() {
        String s = env.get("SEQNUM");
        if (s == null) {
            return -1;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
