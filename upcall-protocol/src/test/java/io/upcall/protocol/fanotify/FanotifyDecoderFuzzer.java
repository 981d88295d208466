package io.upcall.protocol.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;

/**
 * Any bytes as what one read of a fanotify fd returned, walked the way a reader walks them: never an exception,
 * every event inside the buffer, every malformed result pointing inside it, and the walk ends. The committed seeds
 * ({@code FanotifyDecoderFuzzerInputs/}) run in every build; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class FanotifyDecoderFuzzer {

    @FuzzTest(maxDuration = "30s")
    void walkAnyRead(byte[] input) {
        MemorySegment data = MemorySegment.ofArray(input);
        long end = input.length;
        long offset = 0;
        int events = 0;
        while (true) {
            DecodeResult<FanotifyEvent> r = FanotifyDecoder.decode(data, offset, end);
            int len = FanotifyDecoder.eventLength(data, offset, end);
            if (r instanceof DecodeResult.Decoded<FanotifyEvent> d) {
                FanotifyEvent e = d.value();
                assertThat(len).isEqualTo(e.eventLength());
                assertThat(e.infoOffset() + e.infoLength()).isLessThanOrEqualTo(end);
                assertThat(e.infoLength()).isNotNegative();
            } else if (r instanceof DecodeResult.Malformed<FanotifyEvent> m) {
                assertThat(m.offset()).isBetween(0L, end);
                assertThat(m.kind()).isNotBlank();
            }
            if (len < 0) {
                break;
            }
            offset += len;
            events++;
        }
        assertThat(events).isLessThanOrEqualTo(input.length / 24);
        FanotifyDecoder.decode(data, 0, end + 64);
        FanotifyDecoder.decode(data, -1, end);
    }
}
