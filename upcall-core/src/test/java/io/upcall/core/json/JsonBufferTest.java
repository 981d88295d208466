package io.upcall.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Times as RFC 3339 through the buffer's date-prefix cache: every second written as {@link Instant#toString} says. */
class JsonBufferTest {

    private static String times(Instant... times) {
        JsonBuffer out = new JsonBuffer(16);
        out.beginObject();
        for (int i = 0; i < times.length; i++) {
            out.field("t" + i, times[i]);
        }
        out.endObject();
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    private static String expected(Instant... times) {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < times.length; i++) {
            String iso = times[i].toString(); // no trailing zeros: pad the fraction to nine digits
            int dot = iso.indexOf('.');
            String whole = dot < 0 ? iso.substring(0, iso.length() - 1) : iso.substring(0, dot);
            String fraction = dot < 0 ? "" : iso.substring(dot + 1, iso.length() - 1);
            s.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":\"").append(whole).append('.')
                    .append((fraction + "000000000").substring(0, 9)).append("Z\"");
        }
        return s.append('}').toString();
    }

    @Test
    void twoSecondsInTurnAreEachWrittenRight() {
        Instant received = Instant.parse("2026-11-28T22:25:27.000000042Z");
        Instant started = Instant.parse("2026-11-28T22:25:26Z");
        Instant[] times = {received, started, received, started, started.plusSeconds(86_400 * 40 + 3), received};
        assertThat(times(times)).isEqualTo(expected(times));
    }

    @Test
    void calendarEdges() {
        Instant[] times = {Instant.EPOCH, Instant.parse("2000-02-29T23:59:59.999999999Z"),
                Instant.parse("2024-12-31T23:59:59Z"), Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59Z"), Instant.ofEpochSecond(4_294_967_295L)};
        assertThat(times(times)).isEqualTo(expected(times));
    }

    @Test
    void yearsOutsideFourDigitsKeepTheFormatterText() {
        assertThat(times(Instant.parse("+10000-01-01T00:00:00Z"))).isEqualTo("{\"t0\":\"10000-01-01T00:00:00.000000000Z\"}");
    }
}
