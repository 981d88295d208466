package io.upcall.protocol.uevent;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;

/** Any bytes as a uevent, in either format: a result, never an exception, offsets inside the message. */
class UeventDecoderFuzzer {

    @FuzzTest(maxDuration = "30s")
    void decodeAnyUevent(byte[] input) {
        DecodeResult<Uevent> r = UeventDecoder.decode(MemorySegment.ofArray(input), 0, input.length);
        switch (r) {
            case DecodeResult.Decoded<Uevent> d -> {
                assertThat(d.value().action()).isNotNull();
                assertThat(d.value().devpath()).isNotNull();
            }
            case DecodeResult.Malformed<Uevent> m -> assertThat(m.offset()).isBetween(0L, (long) Math.max(0, input.length));
            case DecodeResult.Skipped<Uevent> s -> { }
        }
    }
}
