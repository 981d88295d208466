package io.upcall.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link JsonBuffer}'s room-making: a buffer that starts tiny grows right whatever escaping costs. */
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
}
