package io.upcall.core.proc;

import io.upcall.core.event.Event;
import io.upcall.core.event.TableRow;
import io.upcall.core.event.TableRow.Tone;
import io.upcall.core.json.JsonBuffer;
import io.upcall.linux.Signals;
import io.upcall.protocol.cnproc.ProcEvent;
import java.time.Instant;

/**
 * A proc-connector event: the kernel's {@link ProcEvent} with its wall-clock time and, where known,
 * the process it is about (for a fork, the child; otherwise the thread group of {@code tgid}).
 */
public record ProcessEvent(Instant time, ProcEvent kernel, ProcessInfo process) implements Event {

    @Override
    public String source() {
        return ProcChannel.NAME;
    }

    @Override
    public String type() {
        return ProcEventType.of(kernel).jsonName();
    }

    ProcessEvent withProcess(ProcessInfo info) {
        return new ProcessEvent(time, kernel, info);
    }

    @Override
    public void writeJsonFields(JsonBuffer out) {
        out.field("cpu", kernel.cpu());
        switch (kernel) {
            case ProcEvent.Fork f -> out.field("parent_pid", f.parentPid()).field("parent_tgid", f.parentTgid())
                    .field("child_pid", f.childPid()).field("child_tgid", f.childTgid()).field("thread", f.thread());
            case ProcEvent.Exec e -> ids(out, e.pid(), e.tgid());
            case ProcEvent.Exit e -> {
                ids(out, e.pid(), e.tgid()).field("exit_code", e.exitCode());
                if (e.exitedNormally()) {
                    out.field("status", e.status());
                } else {
                    out.field("signal", Signals.name(e.termSignal()));
                }
                out.field("core_dumped", e.coreDumped()).field("exit_signal", e.exitSignal())
                        .field("parent_pid", e.parentPid()).field("parent_tgid", e.parentTgid());
            }
            case ProcEvent.Uid u -> ids(out, u.pid(), u.tgid()).field("ruid", Integer.toUnsignedLong(u.ruid()))
                    .field("euid", Integer.toUnsignedLong(u.euid()));
            case ProcEvent.Gid g -> ids(out, g.pid(), g.tgid()).field("rgid", Integer.toUnsignedLong(g.rgid()))
                    .field("egid", Integer.toUnsignedLong(g.egid()));
            case ProcEvent.Sid s -> ids(out, s.pid(), s.tgid());
            case ProcEvent.Comm c -> ids(out, c.pid(), c.tgid()).field("comm", c.comm());
            case ProcEvent.Ptrace p -> ids(out, p.pid(), p.tgid()).field("tracer_pid", p.tracerPid())
                    .field("tracer_tgid", p.tracerTgid());
            case ProcEvent.Coredump c -> ids(out, c.pid(), c.tgid()).field("parent_pid", c.parentPid())
                    .field("parent_tgid", c.parentTgid());
            case ProcEvent.Ack a -> out.field("err", a.err());
        }
        if (process != null) {
            ProcessJson.write(out, process);
        }
    }

    private static JsonBuffer ids(JsonBuffer out, int pid, int tgid) {
        return out.field("pid", pid).field("tgid", tgid);
    }

    @Override
    public TableRow tableRow() {
        String about = ProcessJson.describe(process);
        return switch (kernel) {
            case ProcEvent.Fork f -> f.thread()
                    ? row(Tone.FAINT, "clone", f.childPid(), "thread of " + f.childTgid(), about)
                    : row(Tone.BEGIN, "fork", f.childTgid(), "parent " + f.parentTgid(), about);
            case ProcEvent.Exec e -> row(Tone.CHANGE, "exec", e.tgid(), "", about);
            case ProcEvent.Exit e -> row(e.exitedNormally() && e.status() == 0 ? Tone.END : Tone.ALERT,
                    e.pid() == e.tgid() ? "exit" : "thr-exit", e.pid(), exitInfo(e), about);
            case ProcEvent.Uid u -> row(Tone.NOTICE, "uid", u.tgid(), "ruid " + Integer.toUnsignedString(u.ruid())
                    + " euid " + Integer.toUnsignedString(u.euid()), about);
            case ProcEvent.Gid g -> row(Tone.NOTICE, "gid", g.tgid(), "rgid " + Integer.toUnsignedString(g.rgid())
                    + " egid " + Integer.toUnsignedString(g.egid()), about);
            case ProcEvent.Sid s -> row(Tone.NOTICE, "sid", s.tgid(), "new session", about);
            case ProcEvent.Comm c -> row(Tone.CHANGE, "comm", c.pid(), "-> " + c.comm(), about);
            case ProcEvent.Ptrace p -> row(Tone.NOTICE, "ptrace", p.tgid(), p.tracerPid() != 0
                    ? "traced by " + p.tracerTgid() : "detached", about);
            case ProcEvent.Coredump c -> row(Tone.ALERT, "coredump", c.tgid(), "parent " + c.parentTgid(), about);
            case ProcEvent.Ack a -> TableRow.of(Tone.FAINT, "ack", "err " + a.err(), about);
        };
    }

    private static TableRow row(Tone tone, String name, int pid, String info, String about) {
        return new TableRow(tone, name, Integer.toString(pid), info, about);
    }

    private static String exitInfo(ProcEvent.Exit e) {
        if (e.exitedNormally()) {
            return "status " + e.status();
        }
        return Signals.name(e.termSignal()) + (e.coreDumped() ? " (core dumped)" : "");
    }
}
