package io.upcall.protocol.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Hand-built reads for the edges of the framing; kernel bytes are in {@link FanotifyDecoderGoldenTest}. */
class FanotifyDecoderTest {

    static ByteBuffer metadata(ByteBuffer b, int eventLen, int vers, int metadataLen, long mask, int fd, int pid) {
        return b.putInt(eventLen).put((byte) vers).put((byte) 0).putShort((short) metadataLen).putLong(mask).putInt(fd).putInt(pid);
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    @Test
    void walksTwoEventsWithInfoRecordsAtAnUnalignedOffset() {
        ByteBuffer b = buffer(3 + 24 + 24 + 12);
        b.position(3);
        metadata(b, 24, 3, 24, Fanotify.FAN_OPEN_PERM, 7, 1234);
        metadata(b, 36, 3, 24, Fanotify.FAN_OPEN_EXEC_PERM, 8, 99);
        b.put((byte) Fanotify.FAN_EVENT_INFO_TYPE_PIDFD).put((byte) 0).putShort((short) 8).putInt(11).putInt(0);
        MemorySegment data = MemorySegment.ofArray(b.array());
        long end = data.byteSize();

        assertThat(FanotifyDecoder.eventLength(data, 3, end)).isEqualTo(24);
        FanotifyEvent first = decoded(FanotifyDecoder.decode(data, 3, end));
        assertThat(first).isEqualTo(new FanotifyEvent(3, 24, 24, Fanotify.FAN_OPEN_PERM, 7, 1234));
        assertThat(first.isPermission()).isTrue();
        assertThat(first.infoLength()).isZero();

        FanotifyEvent second = decoded(FanotifyDecoder.decode(data, 27, end));
        assertThat(second.mask()).isEqualTo(Fanotify.FAN_OPEN_EXEC_PERM);
        assertThat(second.infoOffset()).isEqualTo(51);
        assertThat(second.infoLength()).isEqualTo(12);
        assertThat(FanotifyDecoder.eventLength(data, 27 + 36, end)).isEqualTo(-1);
    }

    @Test
    void anOverflowCarriesNoFd() {
        ByteBuffer b = buffer(24);
        metadata(b, 24, 3, 24, Fanotify.FAN_Q_OVERFLOW, Fanotify.FAN_NOFD, 0);
        FanotifyEvent e = decoded(FanotifyDecoder.decode(MemorySegment.ofArray(b.array()), 0, 24));
        assertThat(e.isOverflow()).isTrue();
        assertThat(e.hasFd()).isFalse();
        assertThat(e.isPermission()).isFalse();
    }

    @Test
    void framingFaultsAreMalformedWithTheirOffset() {
        assertThat(malformed(FanotifyDecoder.decode(MemorySegment.ofArray(new byte[10]), 0, 10)).kind())
                .isEqualTo("short_metadata");

        ByteBuffer tooLong = buffer(24);
        metadata(tooLong, 48, 3, 24, Fanotify.FAN_OPEN, 3, 1);
        assertThat(malformed(FanotifyDecoder.decode(MemorySegment.ofArray(tooLong.array()), 0, 24)).kind()).isEqualTo("event_len");

        ByteBuffer tooShort = buffer(24);
        metadata(tooShort, 8, 3, 24, Fanotify.FAN_OPEN, 3, 1);
        assertThat(FanotifyDecoder.eventLength(MemorySegment.ofArray(tooShort.array()), 0, 24)).isEqualTo(-1);

        ByteBuffer badMeta = buffer(32);
        metadata(badMeta, 32, 3, 40, Fanotify.FAN_OPEN, 3, 1);
        DecodeResult.Malformed<FanotifyEvent> m = malformed(FanotifyDecoder.decode(MemorySegment.ofArray(badMeta.array()), 0, 32));
        assertThat(m.kind()).isEqualTo("metadata_len");
        assertThat(m.offset()).isEqualTo(6);
    }

    @Test
    void anUnknownVersionIsSkippedButStillFramed() {
        ByteBuffer b = buffer(24);
        metadata(b, 24, 4, 24, Fanotify.FAN_OPEN, 3, 1);
        MemorySegment data = MemorySegment.ofArray(b.array());
        assertThat(FanotifyDecoder.decode(data, 0, 24)).isInstanceOf(DecodeResult.Skipped.class);
        assertThat(FanotifyDecoder.eventLength(data, 0, 24)).isEqualTo(24);
    }

    private static FanotifyEvent decoded(DecodeResult<FanotifyEvent> r) {
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded<FanotifyEvent>) r).value();
    }

    private static DecodeResult.Malformed<FanotifyEvent> malformed(DecodeResult<FanotifyEvent> r) {
        assertThat(r).isInstanceOf(DecodeResult.Malformed.class);
        return (DecodeResult.Malformed<FanotifyEvent>) r;
    }
}
