package io.upcall.protocol.cnproc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.lang.foreign.MemorySegment;

/**
 * Any bytes through the netlink framing and the proc-connector decoder: never an exception, and every
 * malformed result points inside the datagram. The committed seeds (captured kernel datagrams, in
 * {@code CnProcDecoderFuzzerInputs/}) run in every build; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class CnProcDecoderFuzzer {

    @FuzzTest(maxDuration = "30s")
    void decodeAnyDatagram(byte[] input) {
        MemorySegment datagram = MemorySegment.ofArray(input);
        NetlinkCursor cursor = new NetlinkCursor().reset(datagram);
        int frames = 0;
        while (cursor.next()) {
            frames++;
            assertThat(cursor.offset() + cursor.length()).isLessThanOrEqualTo(input.length);
            DecodeResult<ProcEvent> r = CnProcDecoder.decode(datagram, cursor.payloadOffset(), cursor.payloadLength());
            if (r instanceof DecodeResult.Malformed<ProcEvent> m) {
                assertThat(m.offset()).isBetween(0L, (long) input.length);
                assertThat(m.kind()).isNotBlank();
            }
        }
        assertThat(frames).isLessThanOrEqualTo(input.length / 16);
        if (cursor.malformedKind() != null) {
            assertThat(cursor.offset()).isBetween(0L, (long) input.length);
        }
        // The decoder must also cope with a payload window that lies about its length.
        CnProcDecoder.decode(datagram, 0, input.length + 64L);
    }
}
