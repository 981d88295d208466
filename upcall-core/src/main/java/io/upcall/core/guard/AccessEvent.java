package io.upcall.core.guard;

import io.upcall.core.event.Event;
import io.upcall.core.event.TableRow;
import io.upcall.core.json.JsonBuffer;
import java.time.Instant;

/**
 * One answered permission event: what was asked, the verdict, which rule gave it, and how long the opener waited.
 * {@link #time()} is when the answer was written.
 *
 * @param operation  open or exec
 * @param verdict    the answer the kernel got
 * @param rule       the rule that decided; {@code timeout} when the watchdog answered, {@code overload} when the
 *                   decision queue was full, {@code shutdown} when the guard stopped first
 * @param path       the file, or null when it could not be named
 * @param process    the opener, as far as {@code /proc/PID} said
 * @param latencyMicros from reading the event to writing the answer
 * @param timedOut   the policy did not decide in time, and {@link GuardOptions#onTimeout()} was the answer
 */
public record AccessEvent(Instant time, Operation operation, Verdict verdict, String rule, String path, Opener process,
        long latencyMicros, boolean timedOut) implements Event {

    @Override
    public String source() {
        return Guard.CHANNEL;
    }

    @Override
    public String type() {
        return operation.word();
    }

    @Override
    public void writeJsonFields(JsonBuffer out) {
        out.field("verdict", verdict.word()).field("rule", rule).field("path", path).field("pid", process.pid())
                .beginObject("process").optional("uid", process.uid()).optional("euid", process.euid())
                .field("exe", process.exe()).field("comm", process.comm()).endObject()
                .field("latency_us", latencyMicros).field("timed_out", timedOut);
    }

    @Override
    public TableRow tableRow() {
        TableRow.Tone tone = verdict == Verdict.DENY ? TableRow.Tone.ALERT : timedOut ? TableRow.Tone.NOTICE : TableRow.Tone.FAINT;
        String who = process.comm() != null ? process.comm() : "?";
        return new TableRow(tone, operation.word(), Integer.toString(process.pid()), (verdict == Verdict.DENY ? "DENY" : "allow")
                + " by " + rule + (timedOut ? " (timed out)" : "") + ", " + latencyMicros + " us", path + "  (" + who + ")");
    }
}
