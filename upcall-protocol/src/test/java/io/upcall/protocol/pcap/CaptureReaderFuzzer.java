package io.upcall.protocol.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Any bytes as a capture file: packets stay inside the file, faults end the walk with a reason, nothing throws. */
class CaptureReaderFuzzer {

    @FuzzTest(maxDuration = "30s")
    void readAnyFile(byte[] input) {
        CaptureReader r = new CaptureReader(input);
        CaptureReader.Packet p;
        int packets = 0;
        while ((p = r.next()) != null && packets++ < 100_000) {
            assertThat(p.offset()).isBetween(0, input.length);
            assertThat((long) p.offset() + p.length()).isLessThanOrEqualTo(input.length);
            NetlinkCookedHeader.decode(p.data(), p.offset(), p.length());
        }
        if (r.error() != null) {
            assertThat(r.error()).contains("at byte");
        }
    }
}
