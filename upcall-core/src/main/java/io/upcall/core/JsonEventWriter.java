package io.upcall.core;

import io.upcall.linux.Signals;
import io.upcall.protocol.cnproc.ProcEvent;
import io.upcall.protocol.uevent.Uevent;
import io.upcall.protocol.uevent.UeventProperties;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes events as JSON Lines, the schema of {@code docs/events.md}: one object per line, common fields
 * {@code time}, {@code source}, {@code type} first, then the kernel's fields in snake case, then
 * {@code process}. Events accumulate in a buffer; {@link #flushTo} writes them in one call. Not
 * thread-safe: one per subscriber.
 */
public final class JsonEventWriter {
    private final JsonBuffer out = new JsonBuffer();
    /** Encoded {@code process} objects, direct-mapped by pid: see {@link #process(ProcessInfo)}. */
    private final ProcessInfo[] cachedProcess = new ProcessInfo[CACHE_SLOTS];
    private final JsonBuffer[] cachedBytes = new JsonBuffer[CACHE_SLOTS];
    private static final int CACHE_SLOTS = 64;

    /** One event as a JSON object, without the newline (for tests and small tools). */
    public static String toJson(Event event) {
        JsonEventWriter w = new JsonEventWriter();
        w.write(event);
        String line = new String(w.out.toByteArray(), StandardCharsets.UTF_8);
        return line.substring(0, line.length() - 1);
    }

    /** Appends {@code event} and a newline. */
    public void write(Event event) {
        out.beginObject().field("time", event.time()).field("source", event.source()).field("type", event.type());
        switch (event) {
            case ProcessEvent pe -> process(pe);
            case DeviceEvent de -> device(de.uevent());
            case GapEvent g -> out.field("channel", g.channel()).field("first", g.first()).field("last", g.last())
                    .field("count", g.last() - g.first() + 1).field("reason", g.reason());
            case LossEvent l -> {
                out.field("channel", l.channel());
                optional("count", l.count());
                out.field("reason", l.reason());
            }
            case RejectedEvent r -> out.field("channel", r.channel()).field("sender_port", Integer.toUnsignedLong(r.senderPort()))
                    .field("reason", r.reason());
            case MalformedEvent m -> out.field("channel", m.channel()).field("kind", m.kind()).field("offset", m.offset())
                    .field("reason", m.reason());
            case ActionEvent a -> action(a);
        }
        out.endObject().newline();
    }

    /** A uevent: the well-known properties as fields (null when absent), then every property in {@code env}. */
    private void device(Uevent u) {
        Map<String, String> env = u.env();
        out.field("action", u.action()).field("devpath", u.devpath()).field("subsystem", u.subsystem())
                .field("devtype", u.devtype()).field("devname", env.get("DEVNAME"));
        number("major", env.get("MAJOR"));
        number("minor", env.get("MINOR"));
        number("seqnum", env.get("SEQNUM"));
        out.field("driver", env.get("DRIVER")).field("modalias", env.get("MODALIAS"))
                .field("synth_uuid", env.get("SYNTH_UUID")).field("udev", u.udev());
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

    /** A hotplug rule's outcome: numbers that did not happen ({@link ActionEvent#NONE}) are null. */
    private void action(ActionEvent a) {
        out.field("rule", a.rule()).field("rule_name", a.ruleName()).field("devpath", a.devpath())
                .field("subsystem", a.subsystem());
        optional("seqnum", a.seqnum());
        out.field("action", a.action()).beginArray("argv");
        for (String arg : a.argv()) {
            out.element(arg);
        }
        out.endArray();
        optional("pid", a.pid());
        optional("exit_status", a.exitStatus());
        out.field("signal", a.signal()).field("duration_us", a.duration().toNanos() / 1_000)
                .field("timed_out", a.timedOut()).field("error", a.error());
    }

    /** A count or id that may be unknown (negative): null then. */
    private void optional(String name, long value) {
        if (value >= 0) {
            out.field(name, value);
        } else {
            out.nullField(name);
        }
    }

    /** A numeric property as a number; absent or not a number: null (the text stays in {@code env}). */
    private void number(String name, String value) {
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

    /** Bytes waiting to be flushed. */
    public int pendingBytes() {
        return out.size();
    }

    /** Writes what accumulated to {@code stream} and empties the buffer (the stream is not flushed). */
    public void flushTo(OutputStream stream) throws IOException {
        out.writeTo(stream);
        out.reset();
    }

    private void process(ProcessEvent pe) {
        ProcEvent k = pe.kernel();
        out.field("cpu", k.cpu());
        switch (k) {
            case ProcEvent.Fork f -> out.field("parent_pid", f.parentPid()).field("parent_tgid", f.parentTgid())
                    .field("child_pid", f.childPid()).field("child_tgid", f.childTgid()).field("thread", f.thread());
            case ProcEvent.Exec e -> ids(e.pid(), e.tgid());
            case ProcEvent.Exit e -> {
                ids(e.pid(), e.tgid()).field("exit_code", e.exitCode());
                if (e.exitedNormally()) {
                    out.field("status", e.status());
                } else {
                    out.field("signal", Signals.name(e.termSignal()));
                }
                out.field("core_dumped", e.coreDumped()).field("exit_signal", e.exitSignal())
                        .field("parent_pid", e.parentPid()).field("parent_tgid", e.parentTgid());
            }
            case ProcEvent.Uid u -> ids(u.pid(), u.tgid()).field("ruid", Integer.toUnsignedLong(u.ruid()))
                    .field("euid", Integer.toUnsignedLong(u.euid()));
            case ProcEvent.Gid g -> ids(g.pid(), g.tgid()).field("rgid", Integer.toUnsignedLong(g.rgid()))
                    .field("egid", Integer.toUnsignedLong(g.egid()));
            case ProcEvent.Sid s -> ids(s.pid(), s.tgid());
            case ProcEvent.Comm c -> ids(c.pid(), c.tgid()).field("comm", c.comm());
            case ProcEvent.Ptrace p -> ids(p.pid(), p.tgid()).field("tracer_pid", p.tracerPid())
                    .field("tracer_tgid", p.tracerTgid());
            case ProcEvent.Coredump c -> ids(c.pid(), c.tgid()).field("parent_pid", c.parentPid())
                    .field("parent_tgid", c.parentTgid());
            case ProcEvent.Ack a -> out.field("err", a.err());
        }
        ProcessInfo p = pe.process();
        if (p != null) {
            process(p);
        }
    }

    /**
     * The {@code process} object. The process table hands out one {@link ProcessInfo} per process until it
     * changes, and a few processes make most events (a storm's workers, a busy shell), so the encoded
     * bytes are kept in a small cache indexed by pid and reused while the same object comes back: no
     * re-escaping of the same command line.
     */
    private void process(ProcessInfo p) {
        int slot = p.pid() & (CACHE_SLOTS - 1);
        JsonBuffer bytes = cachedBytes[slot];
        if (cachedProcess[slot] != p) {
            if (bytes == null) {
                bytes = new JsonBuffer(256);
                cachedBytes[slot] = bytes;
            }
            bytes.reset();
            encode(bytes, p);
            cachedProcess[slot] = p;
        }
        out.raw(bytes, ",\"process\":");
    }

    private static void encode(JsonBuffer b, ProcessInfo p) {
        b.beginObject().field("pid", p.pid()).field("ppid", p.ppid()).field("comm", p.comm())
                .field("exe", p.exe()).field("cmdline", p.cmdline());
        if (p.uid() >= 0) {
            b.field("uid", p.uid());
        } else {
            b.nullField("uid");
        }
        b.field("user", p.user());
        if (!p.ancestors().isEmpty()) {
            b.beginArray("ancestors");
            for (ProcessInfo.Ancestor a : p.ancestors()) {
                b.beginElement().field("pid", a.pid()).field("comm", a.comm()).endObject();
            }
            b.endArray();
        }
        b.endObject();
    }

    private JsonBuffer ids(int pid, int tgid) {
        return out.field("pid", pid).field("tgid", tgid);
    }
}
