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
import java.util.function.IntSupplier;

/**
 * The human table, in the spirit of forkstat: local time, event, pid, a short detail, and the process's
 * command line (with its ancestors when asked for). Colors (ANSI) only when asked: the caller decides from the
 * terminal and NO_COLOR. On a terminal, lines are cut to its width, as forkstat does. Whatever the kernel, a process
 * or a capture chose is {@link Printable#escape escaped}.
 */
class TableFormatter {
    private static final int INFO = 24;
    /** Two spaces before the process, as before the info: one was lost after an info of 24 characters or more. */
    static final String HEADER = String.format("%-15s %-9s %7s  %-" + INFO + "s  %s", "Time", "Event", "PID", "Info", "Process");
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
    private final IntSupplier columns;

    /** Lines as long as they are (for a pipe or a file). */
    TableFormatter(boolean color) {
        this(color, () -> 0);
    }

    /** @param columns the terminal's width now, or 0 to leave lines whole */
    TableFormatter(boolean color, IntSupplier columns) {
        this.color = color;
        this.columns = columns;
    }

    String header() {
        return paint(BOLD, cut(HEADER, columns.getAsInt()));
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

    /** The command line (or {@code [comm]}), the user when not root, and the ancestors when asked for: parent first. */
    private static String describe(ProcessInfo p) {
        if (p == null) {
            return "";
        }
        StringBuilder what = new StringBuilder(p.cmdline() != null ? p.cmdline() : p.comm() != null ? "[" + p.comm() + "]" : "");
        if (p.user() != null && p.uid() != 0) {
            what.append("  (").append(p.user()).append(')');
        }
        String sep = "  < ";
        for (ProcessInfo.Ancestor a : p.ancestors()) {
            what.append(sep).append(a.comm()).append('(').append(a.pid()).append(')');
            sep = " < ";
        }
        return what.toString();
    }

    /** One row. The event, the info and the process are escaped here, once, whatever they hold. */
    private String line(String time, String colorCode, String event, Object pid, String info, String process) {
        String ev = String.format("%-9s", Printable.escape(event));
        String in = Printable.escape(info);
        String rest = String.format(" %7s  %-" + INFO + "s  ", pid, in) + Printable.escape(process);
        String head = time + " ";
        int width = columns.getAsInt();
        if (width > 0 && head.length() + ev.length() + length(rest) > width) {
            int room = width - head.length() - ev.length();
            if (room < 0) {
                return cut(head + ev, width); // a terminal too narrow even for the event: no room for color either
            }
            rest = cut(rest, room);
        }
        return color ? head + colorCode + ev + RESET + rest : head + ev + rest;
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** The first {@code width} characters of {@code s} (all of it when {@code width} is 0). */
    static String cut(String s, int width) {
        return width <= 0 || length(s) <= width ? s : s.substring(0, s.offsetByCodePoints(0, width));
    }

    private String paint(String code, String text) {
        return color ? code + text + RESET : text;
    }
}
