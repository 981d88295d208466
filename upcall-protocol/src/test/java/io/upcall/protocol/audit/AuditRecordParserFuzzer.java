package io.upcall.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Any bytes as a {@code NETLINK_AUDIT} datagram (framing, each frame's record text, and a status struct) and as an
 * auditd log line: a result, never an exception; offsets inside the input; fields with names. Seeds: datagrams
 * captured here (the golden fixtures) and crafted log lines.
 */
class AuditRecordParserFuzzer {

    @FuzzTest(maxDuration = "30s")
    void parseAnyDatagram(byte[] input) {
        MemorySegment datagram = MemorySegment.ofArray(input);
        NetlinkCursor cursor = new NetlinkCursor().reset(datagram);
        while (cursor.next()) {
            check(AuditRecordParser.parse(cursor.type(), datagram, cursor.payloadOffset(), cursor.payloadLength()),
                    input.length);
            DecodeResult<AuditStatus> s = AuditStatus.decode(datagram, cursor.payloadOffset(), cursor.payloadLength());
            if (s instanceof DecodeResult.Malformed<AuditStatus> m) {
                assertThat(m.offset()).isBetween(0L, (long) input.length);
            }
        }
        check(AuditRecordParser.parseLogLine(new String(input, StandardCharsets.UTF_8)), Integer.MAX_VALUE);
        // the bytes as audit parse hands them over (any bytes, not only valid UTF-8), inside a larger array
        byte[] framed = new byte[input.length + 2];
        System.arraycopy(input, 0, framed, 1, input.length);
        check(AuditRecordParser.parseLogLine(framed, 1, 1 + input.length), input.length);
    }

    private static void check(DecodeResult<AuditRecord> r, int length) {
        switch (r) {
            case DecodeResult.Decoded<AuditRecord> d -> {
                assertThat(d.value().serial()).isNotNegative();
                assertThat(d.value().millis()).isNotNegative();
                d.value().fields().forEach(f -> {
                    assertThat(f.name()).isNotEmpty();
                    assertThat(f.value()).isNotNull();
                });
                assertThat(Audit.eventType(d.value().type())).isNotEmpty();
            }
            case DecodeResult.Malformed<AuditRecord> m -> assertThat(m.offset()).isBetween(0L, (long) Math.max(length, 0) + 1);
            case DecodeResult.Skipped<AuditRecord> s -> { }
        }
    }
}
