package io.upcall.core;

import java.time.Instant;

/**
 * One thing the kernel (or Upcall itself) reported. Every event has a wall-clock {@link #time()}, a
 * {@link #source()} naming the channel family and a {@link #type()} within it, the names used in
 * the JSON stream (see {@code docs/events.md}).
 */
public sealed interface Event permits ProcessEvent, DeviceEvent, LossEvent, GapEvent, RejectedEvent, MalformedEvent,
        ActionEvent {

    Instant time();

    /** {@code proc} for process events, {@code device} for uevents, {@code upcall} for Upcall's own reports. */
    String source();

    /** The kind of event within its source, lower case: {@code fork}, {@code exit}, {@code loss}, ... */
    String type();
}
