package io.upcall.core.channel;

import java.time.Clock;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Turns the kernel's {@code CLOCK_MONOTONIC} timestamps into wall-clock time. It keeps the offset
 * between the wall clock and {@link System#nanoTime()} (which is {@code CLOCK_MONOTONIC} on Linux)
 * and refreshes it once a second, so NTP steps show up within a second. Both clocks are injected so
 * tests are deterministic. Not thread-safe: one source thread owns one.
 */
public final class WallClock {
    private static final long REFRESH_NANOS = 1_000_000_000L;

    private final Clock wall;
    private final LongSupplier monotonic;
    private long offsetNanos;
    private long refreshedAt = Long.MIN_VALUE;

    public WallClock(Clock wall, LongSupplier monotonicNanos) {
        this.wall = wall;
        this.monotonic = monotonicNanos;
    }

    public static WallClock system() {
        return new WallClock(Clock.systemUTC(), System::nanoTime);
    }

    /** The wall-clock time of a {@code CLOCK_MONOTONIC} reading. */
    public Instant toInstant(long monotonicNanos) {
        long now = monotonic.getAsLong();
        if (refreshedAt == Long.MIN_VALUE || now - refreshedAt > REFRESH_NANOS) {
            Instant w = wall.instant();
            offsetNanos = w.getEpochSecond() * 1_000_000_000L + w.getNano() - monotonic.getAsLong();
            refreshedAt = now;
        }
        long epochNanos = monotonicNanos + offsetNanos;
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }

    /** Now, on the wall clock. */
    public Instant now() {
        return wall.instant();
    }
}
