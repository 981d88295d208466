package io.upcall.core.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** What the live reader adds to an event reads back as written, whatever the lengths and however many. */
class FileRecordTest {

    @Test
    void pathsUnresolvedAndTheActorReadBack() {
        byte[] event = new byte[30];
        for (int i = 0; i < event.length; i++) {
            event[i] = (byte) i;
        }
        try (FileRecord.Writer w = new FileRecord.Writer(16)) { // grows as it goes
            w.begin(MemorySegment.ofArray(event), 0, event.length);
            w.path(24, "/tmp/a dir/ünïcode", false);
            w.unresolved(60, 116);
            w.path(90, "/gone", true);
            FileEvent.Actor actor = new FileEvent.Actor(42, 1, 1000, 0, "sh", "/usr/bin/dash", true, 3 << 8);
            w.actor(actor);
            MemorySegment record = w.end();
            assertThat(record.byteSize() % 4).isZero();
            FileRecord.Parsed p = ((DecodeResult.Decoded<FileRecord.Parsed>) FileRecord.parse(record)).value();
            assertThat(p.event().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(event);
            assertThat(p.paths()).containsEntry(24, new FileRecord.Resolution("/tmp/a dir/ünïcode", false, 0))
                    .containsEntry(60, new FileRecord.Resolution(null, false, 116))
                    .containsEntry(90, new FileRecord.Resolution("/gone", true, 0));
            assertThat(p.paths().get(60).reason()).isEqualTo("ESTALE");
            assertThat(p.actor()).isEqualTo(actor);

            w.begin(MemorySegment.ofArray(event), 4, 8); // reused: nothing of the last record is left
            w.actor(new FileEvent.Actor(7, -1, -1, -1, null, null, false, -1));
            FileRecord.Parsed q = ((DecodeResult.Decoded<FileRecord.Parsed>) FileRecord.parse(w.end())).value();
            assertThat(q.event().byteSize()).isEqualTo(8);
            assertThat(q.paths()).isEmpty();
            assertThat(q.actor()).isEqualTo(new FileEvent.Actor(7, -1, -1, -1, null, null, false, -1));
        }
    }

    @Test
    void anotherVersionIsMalformedNotGuessed() {
        byte[] record = new byte[8];
        record[0] = 2;
        record[2] = 8;
        assertThat(FileRecord.parse(MemorySegment.ofArray(record))).isInstanceOf(DecodeResult.Malformed.class);
    }
}
