package io.upcall.core.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WallClockTest {

    @Test
    void mapsMonotonicTimestampsOntoTheWallClock() {
        AtomicLong mono = new AtomicLong(5_000_000_000L);
        WallClock clock = new WallClock(Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC), mono::get);
        // An event 1.5 s before "now" on the monotonic clock happened 1.5 s before now on the wall clock.
        assertThat(clock.toInstant(3_500_000_001L)).isEqualTo(Instant.parse("2026-11-28T11:59:58.500000001Z"));
    }

    @Test
    void refreshesTheOffsetAfterASecondSoClockStepsShowUp() {
        AtomicLong mono = new AtomicLong(0);
        Instant[] wall = {Instant.parse("2026-01-01T00:00:00Z")};
        Clock stepping = new Clock() {
            @Override
            public Instant instant() {
                return wall[0];
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        WallClock clock = new WallClock(stepping, mono::get);
        assertThat(clock.toInstant(0)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        wall[0] = Instant.parse("2026-01-01T01:00:00Z"); // NTP stepped the clock an hour forward
        mono.set(500_000_000L);
        assertThat(clock.toInstant(500_000_000L)).isEqualTo(Instant.parse("2026-01-01T00:00:00.5Z"));
        mono.set(1_500_000_001L);
        assertThat(clock.toInstant(1_500_000_001L)).isEqualTo(Instant.parse("2026-01-01T01:00:00Z"));
    }
}
