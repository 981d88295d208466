package io.upcall.core.hotplug;

import io.upcall.core.event.Event;
import io.upcall.core.event.TableRow;
import io.upcall.core.json.JsonBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of a hotplug rule's program: it ran and ended (with an exit status, or by a signal, such as the one
 * Upcall sent when its timeout passed), or it could not be started ({@link #error()}). {@link #time()} is when it ended.
 *
 * @param rule       the rule's number, the first rule being 1
 * @param ruleName   the rule's name, or null
 * @param devpath    the uevent's {@code DEVPATH}
 * @param subsystem  the uevent's {@code SUBSYSTEM}, or null
 * @param seqnum     the uevent's {@code SEQNUM}, or -1
 * @param action     the uevent's action
 * @param argv       the program and its arguments as run
 * @param pid        the program's process id, or -1 when it did not start
 * @param exitStatus the exit status, or {@link #NONE} when it did not start or {@link #signal()} ended it. Where the
 *                   kernel does not say how a program ended (before Linux 6.15), a death by signal N is status 128+N,
 *                   as Java and shells report it, and cannot be told from {@code exit 128+N}
 * @param signal     the signal that ended it, as the kernel's wait status says ({@code SIGTERM} or {@code SIGKILL}
 *                   when Upcall stopped it, or any other), or null when it exited or the kernel does not say
 * @param duration   from start to end
 * @param timedOut   the rule's timeout passed, and Upcall stopped the program
 * @param error      why it could not start or be stopped, or null
 */
public record ActionEvent(Instant time, int rule, String ruleName, String devpath, String subsystem, long seqnum,
        String action, List<String> argv, long pid, int exitStatus, String signal, Duration duration, boolean timedOut,
        String error) implements Event {
    public static final int NONE = -1;

    public ActionEvent {
        argv = List.copyOf(argv);
    }

    @Override
    public String source() {
        return "upcall";
    }

    @Override
    public String type() {
        return "action";
    }

    /** True when the program ran and exited with status 0. */
    public boolean succeeded() {
        return exitStatus == 0 && signal == null && error == null && !timedOut;
    }

    /** Numbers that did not happen ({@link #NONE}) are null. */
    @Override
    public void writeJsonFields(JsonBuffer out) {
        out.field("rule", rule).field("rule_name", ruleName).field("devpath", devpath).field("subsystem", subsystem)
                .optional("seqnum", seqnum).field("action", action).beginArray("argv");
        for (String arg : argv) {
            out.element(arg);
        }
        out.endArray().optional("pid", pid).optional("exit_status", exitStatus).field("signal", signal)
                .field("duration_us", duration.toNanos() / 1_000).field("timed_out", timedOut).field("error", error);
    }

    @Override
    public TableRow tableRow() {
        return new TableRow(succeeded() ? TableRow.Tone.BEGIN : TableRow.Tone.ALERT, "action", pid >= 0 ? Long.toString(pid) : "",
                "rule " + rule + ": " + outcome(), String.join(" ", argv) + "  (" + action + " " + devpath + ")"
                + (error != null ? ": " + error : ""));
    }

    /** How the program ended, in a few words. */
    private String outcome() {
        String how = error != null && pid < 0 ? "not started"
                : signal != null ? signal
                : exitStatus >= 0 ? "status " + exitStatus : "?";
        return (timedOut ? "timed out, " : "") + how + ", " + duration.toMillis() + " ms";
    }
}
