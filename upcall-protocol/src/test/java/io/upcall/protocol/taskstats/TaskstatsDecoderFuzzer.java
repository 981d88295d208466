package io.upcall.protocol.taskstats;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.genl.Genl;
import io.upcall.protocol.genl.GenlControlDecoder;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.lang.foreign.MemorySegment;

/**
 * Any bytes through the netlink framing and the generic netlink decoders (controller and taskstats): never an
 * exception, and every malformed result points inside the datagram. The seeds ({@code TaskstatsDecoderFuzzerInputs/},
 * datagrams captured here) run in every build; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class TaskstatsDecoderFuzzer {

    @FuzzTest(maxDuration = "30s")
    void decodeAnyDatagram(byte[] input) {
        MemorySegment datagram = MemorySegment.ofArray(input);
        NetlinkCursor cursor = new NetlinkCursor().reset(datagram);
        while (cursor.next()) {
            DecodeResult<?> r = cursor.type() == Genl.GENL_ID_CTRL
                    ? GenlControlDecoder.decode(datagram, cursor.payloadOffset(), cursor.payloadLength())
                    : TaskstatsDecoder.decode(datagram, cursor.payloadOffset(), cursor.payloadLength());
            check(r, input.length);
            // Both decoders on every frame, whatever its type says.
            check(GenlControlDecoder.decode(datagram, cursor.payloadOffset(), cursor.payloadLength()), input.length);
        }
        check(TaskstatsDecoder.decodeStats(datagram, 0, input.length + 64L), input.length);
        check(TaskstatsDecoder.decode(datagram, 3, input.length), input.length);
    }

    private static void check(DecodeResult<?> r, int length) {
        if (r instanceof DecodeResult.Malformed<?> m) {
            assertThat(m.offset()).isBetween(0L, (long) length);
            assertThat(m.kind()).isNotBlank();
        }
    }
}
