package io.upcall.protocol.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.DecodeResult;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads of a {@code FAN_CLASS_CONTENT} group captured on this machine (Linux 6.18), marks {@code FAN_OPEN_PERM |
 * FAN_OPEN_EXEC_PERM | FAN_EVENT_ON_CHILD} on a temporary directory: {@code sh -c 'exec DIR/t'} (a copy of
 * {@code /bin/true}) raised {@code FAN_OPEN_EXEC_PERM}, then, once allowed, {@code FAN_OPEN_PERM} for the same open;
 * three {@code cat DIR/f} queued while the reader waited came in one read.
 */
class FanotifyDecoderGoldenTest {

    private static MemorySegment fixture(String name) {
        try (InputStream in = FanotifyDecoderGoldenTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return MemorySegment.ofArray(in.readAllBytes());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<FanotifyEvent> walk(MemorySegment read) {
        List<FanotifyEvent> events = new ArrayList<>();
        long offset = 0;
        int len;
        while ((len = FanotifyDecoder.eventLength(read, offset, read.byteSize())) > 0) {
            DecodeResult<FanotifyEvent> r = FanotifyDecoder.decode(read, offset, read.byteSize());
            assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
            events.add(((DecodeResult.Decoded<FanotifyEvent>) r).value());
            offset += len;
        }
        assertThat(offset).as("the read is whole events").isEqualTo(read.byteSize());
        return events;
    }

    @Test
    void anExecIsAskedAboutAsExecThenAsOpen() {
        assertThat(walk(fixture("exec-perm.bin")))
                .containsExactly(new FanotifyEvent(0, 24, 24, Fanotify.FAN_OPEN_EXEC_PERM, 7, 13034));
        assertThat(walk(fixture("open-perm-after-exec.bin")))
                .containsExactly(new FanotifyEvent(0, 24, 24, Fanotify.FAN_OPEN_PERM, 7, 13034));
    }

    @Test
    void threeQueuedOpensComeInOneRead() {
        List<FanotifyEvent> events = walk(fixture("three-open-perm.bin"));
        assertThat(events).containsExactly(
                new FanotifyEvent(0, 24, 24, Fanotify.FAN_OPEN_PERM, 7, 22250),
                new FanotifyEvent(24, 24, 24, Fanotify.FAN_OPEN_PERM, 17, 22406),
                new FanotifyEvent(48, 24, 24, Fanotify.FAN_OPEN_PERM, 19, 22416));
        assertThat(events).allSatisfy(e -> {
            assertThat(e.isPermission()).isTrue();
            assertThat(e.infoLength()).isZero();
        });
    }
}
