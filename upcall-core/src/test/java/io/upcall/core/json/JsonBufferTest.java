package io.upcall.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonBuffer}: room-making (a buffer that starts tiny grows right whatever escaping costs); times as RFC 3339
 * through the date-prefix cache, every second as {@link Instant#toString} says; numbers as {@link Long#toString}
 * writes them; pre-encoded keys as their names.
 */
class JsonBufferTest {
    private static String text(JsonBuffer b) {
        return new String(b.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void fieldsThatNeedEscapingGrowATinyBuffer() {
        for (int capacity = 1; capacity < 40; capacity++) { // every place the buffer can be full
            JsonBuffer b = new JsonBuffer(capacity);
            b.beginObject().anyField("a\"\\\n\u00e9\u0141", "v\u0001\u2028\"").field("plain", "x").anyField("n", null)
                    .field("k", 42).endObject();
            assertThat(text(b)).isEqualTo("{\"a\\\"\\\\\\n\u00e9\u0141\":\"v\\u0001\\u2028\\\"\",\"plain\":\"x\",\"n\":null,\"k\":42}");
        }
    }

    @Test
    void aPrintableFieldIsCopiedWholeAndItsNameStillEscaped() {
        for (int capacity = 1; capacity < 30; capacity++) {
            JsonBuffer b = new JsonBuffer(capacity);
            b.beginObject().field("k", 1).anyPrintableField("n\"", "a b/c").anyPrintableField("e", "").endObject();
            assertThat(text(b)).isEqualTo("{\"k\":1,\"n\\\"\":\"a b/c\",\"e\":\"\"}");
        }
    }

    @Test
    void numbersAsLongToString() {
        java.util.List<Long> values = new java.util.ArrayList<>(java.util.List.of(0L, 9L, 10L, 99L, 100L, 101L,
                (long) Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, 4_294_967_295L, 999_999_999_999_999_999L,
                1_000_000_000_000_000_000L, Long.MAX_VALUE, -1L, -10L, (long) Integer.MIN_VALUE, Long.MIN_VALUE + 1, Long.MIN_VALUE));
        for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10; p *= 10) {
            values.addAll(java.util.List.of(p - 1, p, p + 1, -p));
        }
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 1000; i++) {
            values.add(random.nextLong() >> random.nextInt(64));
        }
        for (long v : values) {
            JsonBuffer out = new JsonBuffer(1);
            out.beginObject().field("n", v).field(new JsonBuffer.Key("k"), v).endObject();
            assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":" + v + ",\"k\":" + v + "}");
        }
    }

    @Test
    void keysWriteLikeNames() {
        JsonBuffer.Key a = new JsonBuffer.Key("user_cpu_us");
        JsonBuffer out = new JsonBuffer(1);
        out.beginObject().field(a, 7).nullField(a).beginObject(a).field(a, 1).endObject().endObject();
        assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8))
                .isEqualTo("{\"user_cpu_us\":7,\"user_cpu_us\":null,\"user_cpu_us\":{\"user_cpu_us\":1}}");
    }

    @Test
    void aKeyThatWouldNeedEscapingIsRefused() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> new JsonBuffer.Key("a\"b"));
    }

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
