package io.upcall.protocol.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Any bytes as a read of fanotify events, each event's info records decoded: never an exception, every malformed
 * result inside the event, every record inside it. The seeds ({@code FanotifyInfoDecoderFuzzerInputs/}, events read
 * here) run in every build; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class FanotifyInfoDecoderFuzzer {

    @FuzzTest(maxDuration = "30s")
    void decodeAnyEvents(byte[] input) {
        MemorySegment data = MemorySegment.ofArray(input);
        long at = 0;
        int len;
        while ((len = FanotifyDecoder.eventLength(data, at, input.length)) > 0) {
            if (FanotifyDecoder.decode(data, at, input.length) instanceof DecodeResult.Decoded<FanotifyEvent> d) {
                MemorySegment event = data.asSlice(at, len);
                check(FanotifyInfoDecoder.decode(event, d.value().metadataLength(), len), len);
            }
            at += len;
        }
        // And the whole input as records, from any start.
        check(FanotifyInfoDecoder.decode(data, 0, input.length), input.length);
        check(FanotifyInfoDecoder.decode(data, 3, input.length + 100L), input.length);
    }

    private static void check(DecodeResult<List<FanotifyInfo>> r, long length) {
        switch (r) {
            case DecodeResult.Malformed<List<FanotifyInfo>> m -> {
                assertThat(m.offset()).isBetween(0L, length);
                assertThat(m.kind()).isNotBlank();
            }
            case DecodeResult.Decoded<List<FanotifyInfo>> d -> {
                for (FanotifyInfo i : d.value()) {
                    assertThat((long) i.offset()).isBetween(0L, length);
                    if (i instanceof FanotifyInfo.Fid f) {
                        assertThat(f.handle().length).isLessThanOrEqualTo(FanotifyInfoDecoder.MAX_HANDLE_SZ);
                        assertThat(f.fileHandle()).hasSize(8 + f.handle().length);
                    }
                }
            }
            case DecodeResult.Skipped<List<FanotifyInfo>> s -> { }
        }
    }
}
