package io.upcall.cli;

import io.upcall.core.ActionEvent;
import io.upcall.core.DeviceEvent;
import io.upcall.core.Event;
import io.upcall.core.GapEvent;
import io.upcall.core.LossEvent;
import io.upcall.core.MalformedEvent;
import io.upcall.core.ProcessEvent;
import io.upcall.core.ProcessInfo;
import io.upcall.core.RejectedEvent;
import io.upcall.linux.Signals;
import io.upcall.protocol.cnproc.ProcEvent;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The human table, in the spirit of forkstat: local time, event, pid, a short detail, and the process's
 * command line. Colors (ANSI) only when asked: the caller decides from the terminal and NO_COLOR.
 */
class TableFormatter {
    static final String HEADER = String.format("%-15s %-9s %7s  %-24s %s", "Time", "Event", "PID", "Info", "Process");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(ZoneId.systemDefault());
    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String BLUE = "\u001b[34m";
    private static final String MAGENTA = "\u001b[35m";
    private static final String DIM = "\u001b[2m";
    private static final String CYAN = "\u001b[36m";

    private final boolean color;

    TableFormatter(boolean color) {
        this.color = color;
    }

    String header() {
        return paint(BOLD, HEADER);
    }

    String format(Event event) {
        String time = TIME.format(event.time());
        return switch (event) {
            case ProcessEvent pe -> row(time, pe);
            case DeviceEvent de -> line(time, CYAN, de.uevent().action(), "", de.uevent().subsystem() == null ? ""
                    : de.uevent().subsystem(), de.uevent().devpath());
            case GapEvent g -> line(time, YELLOW, "gap", "", g.channel() + " seqnum " + g.first() + ".." + g.last(), g.reason());
            case LossEvent l -> line(time, RED, "LOSS", "", (l.count() >= 0 ? l.count() + " events" : "events") + " lost on "
                    + l.channel() + ": " + l.reason(), "");
            case RejectedEvent r -> line(time, MAGENTA, "rejected", "", r.channel() + ": " + r.reason(), "");
            case MalformedEvent m -> line(time, MAGENTA, "malformed", "", m.channel() + " " + m.kind() + " at byte "
                    + m.offset() + ": " + m.reason(), "");
            case ActionEvent a -> line(time, a.succeeded() ? GREEN : RED, "action", a.pid() >= 0 ? a.pid() : "",
                    "rule " + a.rule() + ": " + outcome(a), String.join(" ", a.argv()) + "  (" + a.action() + " "
                    + a.devpath() + ")" + (a.error() != null ? ": " + a.error() : ""));
        };
    }

    /** How a hotplug rule's program ended, in a few words. */
    private static String outcome(ActionEvent a) {
        String how = a.error() != null && a.pid() < 0 ? "not started"
                : a.signal() != null ? a.signal()
                : a.exitStatus() >= 0 ? "status " + a.exitStatus() : "?";
        return (a.timedOut() ? "timed out, " : "") + how + ", " + a.duration().toMillis() + " ms";
    }

    private String row(String time, ProcessEvent pe) {
        String process = describe(pe.process());
        return switch (pe.kernel()) {
            case ProcEvent.Fork f -> f.thread()
                    ? line(time, DIM, "clone", f.childPid(), "thread of " + f.childTgid(), process)
                    : line(time, GREEN, "fork", f.childTgid(), "parent " + f.parentTgid(), process);
            case ProcEvent.Exec e -> line(time, BLUE, "exec", e.tgid(), "", process);
            case ProcEvent.Exit e -> line(time, e.exitedNormally() && e.status() == 0 ? YELLOW : RED,
                    e.pid() == e.tgid() ? "exit" : "thr-exit", e.pid(), exitInfo(e), process);
            case ProcEvent.Uid u -> line(time, MAGENTA, "uid", u.tgid(), "ruid " + Integer.toUnsignedString(u.ruid())
                    + " euid " + Integer.toUnsignedString(u.euid()), process);
            case ProcEvent.Gid g -> line(time, MAGENTA, "gid", g.tgid(), "rgid " + Integer.toUnsignedString(g.rgid())
                    + " egid " + Integer.toUnsignedString(g.egid()), process);
            case ProcEvent.Sid s -> line(time, MAGENTA, "sid", s.tgid(), "new session", process);
            case ProcEvent.Comm c -> line(time, BLUE, "comm", c.pid(), "-> " + c.comm(), process);
            case ProcEvent.Ptrace p -> line(time, MAGENTA, "ptrace", p.tgid(), p.tracerPid() != 0
                    ? "traced by " + p.tracerTgid() : "detached", process);
            case ProcEvent.Coredump c -> line(time, RED, "coredump", c.tgid(), "parent " + c.parentTgid(), process);
            case ProcEvent.Ack a -> line(time, DIM, "ack", "", "err " + a.err(), process);
        };
    }

    private static String exitInfo(ProcEvent.Exit e) {
        if (e.exitedNormally()) {
            return "status " + e.status();
        }
        return Signals.name(e.termSignal()) + (e.coreDumped() ? " (core dumped)" : "");
    }

    private static String describe(ProcessInfo p) {
        if (p == null) {
            return "";
        }
        String what = p.cmdline() != null ? p.cmdline() : p.comm() != null ? "[" + p.comm() + "]" : "";
        return p.user() != null && p.uid() != 0 ? what + "  (" + p.user() + ")" : what;
    }

    private String line(String time, String colorCode, String event, Object pid, String info, String process) {
        String left = String.format("%-15s %-9s %7s  %-24s ", time, event, pid, info);
        if (!color) {
            return left + process;
        }
        return time + " " + colorCode + String.format("%-9s", event) + RESET + String.format(" %7s  %-24s ", pid, info) + process;
    }

    private String paint(String code, String text) {
        return color ? code + text + RESET : text;
    }
}
