package io.upcall.cli;

import io.upcall.core.device.DeviceEvent;
import io.upcall.core.event.Event;
import io.upcall.protocol.uevent.Uevent;
import java.util.Map;

/**
 * {@code upcall devices} output in the spirit of {@code udevadm monitor}:
 * {@code KERNEL[22:37:21.684626] change   /devices/virtual/net/lo (net)} (local time, where udevadm
 * prints seconds since boot), the properties below with {@code --env}. Other events (loss, gap,
 * rejected) use the table's line.
 */
final class UdevStyleFormatter extends TableFormatter {
    private static final java.time.format.DateTimeFormatter TIME =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(java.time.ZoneId.systemDefault());
    private final boolean env;
    private final boolean udev;

    UdevStyleFormatter(boolean color, boolean env, boolean udev) {
        super(color);
        this.env = env;
        this.udev = udev;
    }

    @Override
    String header() {
        return "monitor will print the received events for:\nKERNEL - the kernel uevent"
                + (udev ? "\nUDEV   - the event which udev sends out after rule processing" : "") + "\n";
    }

    @Override
    String format(Event event) {
        if (!(event instanceof DeviceEvent de)) {
            return super.format(event);
        }
        Uevent u = de.uevent();
        // Every part but the time is the kernel's, or the capture's author's: escaped.
        StringBuilder line = new StringBuilder(String.format("%-6s[%s] %-8s %s (%s)", u.udev() ? "UDEV" : "KERNEL",
                TIME.format(de.time()), Printable.escape(u.action()), Printable.escape(u.devpath()),
                u.subsystem() == null ? "" : Printable.escape(u.subsystem())));
        if (env) {
            for (Map.Entry<String, String> e : u.env().entrySet()) {
                line.append('\n').append(Printable.escape(e.getKey())).append('=').append(Printable.escape(e.getValue()));
            }
            line.append('\n');
        }
        return line.toString();
    }
}
