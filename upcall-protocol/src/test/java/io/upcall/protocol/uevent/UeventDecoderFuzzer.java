package io.upcall.protocol.uevent;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;

/**
 * Any bytes as a uevent, in either format: a result, never an exception, offsets inside the message, and a
 * property map that agrees with itself. Seeds: kernel messages and udev 252's libudev messages captured here.
 */
class UeventDecoderFuzzer {

    @FuzzTest(maxDuration = "30s")
    void decodeAnyUevent(byte[] input) {
        DecodeResult<Uevent> r = UeventDecoder.decode(MemorySegment.ofArray(input), 0, input.length);
        switch (r) {
            case DecodeResult.Decoded<Uevent> d -> {
                assertThat(d.value().action()).isNotNull();
                assertThat(d.value().devpath()).isNotNull();
                // The byte-backed map agrees with itself: every key iterated is found, with the same value.
                java.util.Map<String, String> env = d.value().env();
                int[] seen = {0};
                env.forEach((k, v) -> {
                    assertThat(env.get(k)).isEqualTo(v);
                    seen[0]++;
                });
                assertThat(seen[0]).isEqualTo(env.size());
                if (env instanceof UeventProperties raw) {
                    int[] rawCount = {0};
                    raw.forEachRaw((b, kf, kt, vf, vt) -> {
                        assertThat(kf).isLessThan(kt);
                        assertThat(kt).isLessThan(vf);
                        assertThat(vt).isBetween(vf, b.length);
                        rawCount[0]++;
                    });
                    assertThat(rawCount[0]).isEqualTo(env.size());
                }
            }
            case DecodeResult.Malformed<Uevent> m -> assertThat(m.offset()).isBetween(0L, (long) Math.max(0, input.length));
            case DecodeResult.Skipped<Uevent> s -> { }
        }
    }
}
