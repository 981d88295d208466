package io.upcall.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AuditStatusTest {

    @Test
    void encodesAndDecodesEveryFieldUnsigned() {
        AuditStatus s = new AuditStatus(0x7f, 1, 2, 4_000_000_000L, 100, 8192, 3_000_000_000L, 7, 0x7f, 60_000, 5);
        byte[] bytes = s.encode();
        assertThat(bytes).hasSize(AuditStatus.SIZE);
        assertThat(AuditStatus.decode(MemorySegment.ofArray(bytes), 0, bytes.length)).isEqualTo(DecodeResult.decoded(s));
    }

    @Test
    void anOlderKernelsFortyByteStructDecodesWithoutTheLastField() {
        byte[] bytes = Arrays.copyOf(new AuditStatus(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9).encode(), AuditStatus.MIN_SIZE);
        DecodeResult<AuditStatus> r = AuditStatus.decode(MemorySegment.ofArray(bytes), 0, bytes.length);
        assertThat(((DecodeResult.Decoded<AuditStatus>) r).value().backlogWaitTimeActual()).isZero();
    }

    @Test
    void aShortStructIsMalformedNotAnException() {
        DecodeResult<AuditStatus> r = AuditStatus.decode(MemorySegment.ofArray(new byte[39]), 0, 39);
        assertThat(r).isInstanceOf(DecodeResult.Malformed.class);
        assertThat(((DecodeResult.Malformed<AuditStatus>) r).kind()).isEqualTo("short_audit_status");
        assertThat(AuditStatus.decode(MemorySegment.ofArray(new byte[8]), 6, 100)).isInstanceOf(DecodeResult.Malformed.class);
    }

    @Test
    void aSetRequestIsOneFrameAskingForAnAcknowledgement() {
        byte[] request = AuditStatus.setEnabled(1).setRequest(7);
        NetlinkCursor c = new NetlinkCursor().reset(MemorySegment.ofArray(request));
        assertThat(c.next()).isTrue();
        assertThat(c.type()).isEqualTo(Audit.AUDIT_SET);
        assertThat(c.seq()).isEqualTo(7);
        assertThat(c.flags()).isEqualTo(0x05);
        assertThat(c.payloadLength()).isEqualTo(AuditStatus.SIZE);
        AuditStatus body = ((DecodeResult.Decoded<AuditStatus>) AuditStatus.decode(MemorySegment.ofArray(request),
                c.payloadOffset(), c.payloadLength())).value();
        assertThat(body.mask()).isEqualTo(AuditStatus.AUDIT_STATUS_ENABLED);
        assertThat(body.enabled()).isEqualTo(1);
        assertThat(c.next()).isFalse();
    }

    @Test
    void typeNamesFollowAuditd() {
        assertThat(Audit.typeName(1300)).isEqualTo("SYSCALL");
        assertThat(Audit.typeName(1327)).isEqualTo("PROCTITLE");
        assertThat(Audit.eventType(1112)).isEqualTo("user_login");
        assertThat(Audit.typeName(1423)).isEqualTo("UNKNOWN[1423]");
        assertThat(Audit.typeNumber("UNKNOWN[1423]")).isEqualTo(1423);
        assertThat(Audit.typeNumber("EOE")).isEqualTo(Audit.AUDIT_EOE);
        assertThat(Audit.typeNumber("UNKNOWN[x]")).isEqualTo(-1);
    }
}
