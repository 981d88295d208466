package io.upcall.core.relay;

import io.upcall.core.json.JsonBuffer;
import io.upcall.linux.Signals;
import java.nio.charset.StandardCharsets;

/**
 * One process registered with a relay to be signalled, as {@code upcall relay processes} lists it.
 *
 * @param signal        the signal it is sent (the relay's default when {@code defaultSignal})
 * @param defaultSignal whether it follows the relay's default signal, which may change
 * @param sent          signals queued to it
 * @param failed        signals the kernel refused: its queue of pending signals was full (EAGAIN) or the
 *                      relay may not signal it (EPERM)
 */
public record RelayRegistrant(int pid, String comm, int signal, boolean defaultSignal, RelayFilter filter, long sent,
        long failed) {

    /** One JSON object, as {@code upcall relay processes --json} prints it (escaped as every event is). */
    public String toJson() {
        JsonBuffer out = new JsonBuffer(256);
        out.beginObject().field("pid", pid).field("comm", comm).field("signal", signal)
                .field("signal_name", Signals.name(signal)).field("default_signal", defaultSignal)
                .field("filter", filter.toString()).field("sent", sent).field("failed", failed).endObject();
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }
}
