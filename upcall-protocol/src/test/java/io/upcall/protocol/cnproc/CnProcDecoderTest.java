package io.upcall.protocol.cnproc;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Hand-built payloads for the edges; real kernel bytes are covered by the golden tests in upcall-core. */
class CnProcDecoderTest {

    /** cn_msg + proc_event, preceded by {@code pad} bytes so the fields land unaligned. */
    private static MemorySegment payload(int pad, int what, int cpu, long ts, int dataLen, int... body) {
        ByteBuffer b = ByteBuffer.allocate(pad + 20 + 16 + 24).order(ByteOrder.nativeOrder());
        b.position(pad);
        b.putInt(CnProc.CN_IDX_PROC).putInt(CnProc.CN_VAL_PROC).putInt(77).putInt(0).putShort((short) dataLen).putShort((short) 0);
        b.putInt(what).putInt(cpu).putLong(ts);
        for (int v : body) {
            b.putInt(v);
        }
        return MemorySegment.ofArray(b.array());
    }

    private static ProcEvent decoded(DecodeResult<ProcEvent> r) {
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded<ProcEvent>) r).value();
    }

    @Test
    void decodesAForkAtAnUnalignedOffset() {
        MemorySegment seg = payload(3, CnProc.PROC_EVENT_FORK, 1, 123_456_789_012L, 40, 10, 11, 12, 11);
        ProcEvent e = decoded(CnProcDecoder.decode(seg, 3, 60));
        assertThat(e).isEqualTo(new ProcEvent.Fork(1, 123_456_789_012L, 77, 10, 11, 12, 11));
        assertThat(((ProcEvent.Fork) e).thread()).isTrue();
    }

    @Test
    void decodesExitStatusAndSignal() {
        ProcEvent.Exit normal = (ProcEvent.Exit) decoded(CnProcDecoder.decode(
                payload(0, CnProc.PROC_EVENT_EXIT, 0, 1, 40, 5, 5, 7 << 8, 17, 1, 1), 0, 60));
        assertThat(normal.exitedNormally()).isTrue();
        assertThat(normal.status()).isEqualTo(7);

        ProcEvent.Exit killed = (ProcEvent.Exit) decoded(CnProcDecoder.decode(
                payload(0, CnProc.PROC_EVENT_EXIT, 0, 1, 40, 5, 5, 0x80 | 11, 17, 1, 1), 0, 60));
        assertThat(killed.exitedNormally()).isFalse();
        assertThat(killed.termSignal()).isEqualTo(11);
        assertThat(killed.coreDumped()).isTrue();
    }

    @Test
    void decodesACommStoppingAtTheFirstNul() {
        ByteBuffer b = ByteBuffer.allocate(60).order(ByteOrder.nativeOrder());
        b.putInt(1).putInt(1).putInt(0).putInt(0).putShort((short) 40).putShort((short) 0);
        b.putInt(CnProc.PROC_EVENT_COMM).putInt(0).putLong(5).putInt(9).putInt(9);
        b.put("kworker".getBytes(StandardCharsets.US_ASCII));
        ProcEvent.Comm c = (ProcEvent.Comm) decoded(CnProcDecoder.decode(MemorySegment.ofArray(b.array()), 0, 60));
        assertThat(c.comm()).isEqualTo("kworker");
    }

    @Test
    void skipsAnotherConnectorAndAnUnknownType() {
        ByteBuffer b = ByteBuffer.allocate(60).order(ByteOrder.nativeOrder());
        b.putInt(4).putInt(1);
        assertThat(CnProcDecoder.decode(MemorySegment.ofArray(b.array()), 0, 60)).isInstanceOf(DecodeResult.Skipped.class);
        assertThat(CnProcDecoder.decode(payload(0, 0x1000, 0, 0, 40), 0, 60)).isInstanceOf(DecodeResult.Skipped.class);
    }

    @Test
    void reportsShortAndLyingLengthsAsMalformed() {
        assertThat(CnProcDecoder.decode(MemorySegment.ofArray(new byte[12]), 0, 12))
                .isEqualTo(DecodeResult.malformed("short_cn_msg", 0, "payload of 12 bytes cannot hold a 20-byte cn_msg"));
        DecodeResult<ProcEvent> lying = CnProcDecoder.decode(payload(0, CnProc.PROC_EVENT_FORK, 0, 0, 400), 0, 60);
        assertThat(lying).isInstanceOf(DecodeResult.Malformed.class);
        assertThat(((DecodeResult.Malformed<ProcEvent>) lying).kind()).isEqualTo("cn_msg_len");
        DecodeResult<ProcEvent> shortBody = CnProcDecoder.decode(payload(0, CnProc.PROC_EVENT_EXIT, 0, 0, 24), 0, 60);
        assertThat(((DecodeResult.Malformed<ProcEvent>) shortBody).kind()).isEqualTo("short_event_data");
    }

    @Test
    void encodesSubscriptionsTheKernelUnderstands() {
        byte[] classic = CnProcEncoder.mcastOp(CnProc.PROC_CN_MCAST_LISTEN, 1, 42);
        ByteBuffer b = ByteBuffer.wrap(classic).order(ByteOrder.nativeOrder());
        assertThat(b.getInt(0)).isEqualTo(40);
        assertThat(b.getShort(4)).isEqualTo((short) 3);
        assertThat(b.getInt(12)).isEqualTo(42);
        assertThat(b.getShort(32)).isEqualTo((short) 4);
        assertThat(b.getInt(36)).isEqualTo(CnProc.PROC_CN_MCAST_LISTEN);

        byte[] filtered = CnProcEncoder.procInput(CnProc.PROC_CN_MCAST_LISTEN, CnProc.PROC_EVENT_EXIT, 1, 42);
        ByteBuffer f = ByteBuffer.wrap(filtered).order(ByteOrder.nativeOrder());
        assertThat(f.getInt(0)).isEqualTo(44);
        assertThat(f.getShort(32)).isEqualTo((short) 8);
        assertThat(f.getInt(40)).isEqualTo(CnProc.PROC_EVENT_EXIT);
    }
}
