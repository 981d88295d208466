package io.upcall.core.device;

import io.upcall.core.event.Event;
import io.upcall.core.event.TableRow;
import io.upcall.core.json.JsonBuffer;
import io.upcall.protocol.uevent.Uevent;
import io.upcall.protocol.uevent.UeventProperties;
import java.time.Instant;
import java.util.Map;

/**
 * A device event: a uevent from the kernel (hotplug, and the kernel events layer's change, online,
 * offline, move, bind, unbind) or udev's re-broadcast of one. {@link #type()} is the action.
 */
public record DeviceEvent(Instant time, Uevent uevent) implements Event {

    @Override
    public String source() {
        return DeviceChannel.NAME;
    }

    @Override
    public String type() {
        return uevent.action();
    }

    /** The well-known properties as fields (null when absent), then every property in {@code env}. */
    @Override
    public void writeJsonFields(JsonBuffer out) {
        Map<String, String> env = uevent.env();
        out.field("action", uevent.action()).field("devpath", uevent.devpath()).field("subsystem", uevent.subsystem())
                .field("devtype", uevent.devtype()).field("devname", env.get("DEVNAME"));
        number(out, "major", env.get("MAJOR"));
        number(out, "minor", env.get("MINOR"));
        number(out, "seqnum", env.get("SEQNUM"));
        out.field("driver", env.get("DRIVER")).field("modalias", env.get("MODALIAS"))
                .field("synth_uuid", env.get("SYNTH_UUID")).field("udev", uevent.udev());
        out.beginObject("env");
        if (env instanceof UeventProperties raw) {
            raw.forEachRaw(out::anyField); // the bytes as they came, no strings made
        } else {
            for (Map.Entry<String, String> e : env.entrySet()) {
                out.anyField(e.getKey(), e.getValue());
            }
        }
        out.endObject();
    }

    /** A numeric property as a number; absent or not a number: null (the text stays in {@code env}). */
    private static void number(JsonBuffer out, String name, String value) {
        if (value != null) {
            try {
                out.field(name, Long.parseLong(value));
                return;
            } catch (NumberFormatException e) {
                // fall through to null
            }
        }
        out.nullField(name);
    }

    @Override
    public TableRow tableRow() {
        return TableRow.of(TableRow.Tone.DEVICE, uevent.action(), uevent.subsystem() == null ? "" : uevent.subsystem(),
                uevent.devpath());
    }
}
