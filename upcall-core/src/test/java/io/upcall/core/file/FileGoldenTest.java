package io.upcall.core.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.GoldenUpdate;
import io.upcall.core.JsonEventWriter;
import io.upcall.core.Upcall;
import io.upcall.core.channel.Envelope;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.core.event.MalformedEvent;
import io.upcall.protocol.fanotify.Fanotify;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A session recorded here by Upcall's recorder ({@link FileFixturesCaptureKernelIT}) on Linux 6.18: a file created,
 * chmod 4755, read, a program run, a directory made, the file renamed, its directory renamed, the file deleted, the
 * directory removed. Replayed through the channel's one decoder, it gives the events reviewed in the golden file.
 */
class FileGoldenTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/file");
    private static final String DIR = "/tmp/upcall-file-fixture";

    static List<Event> replay() throws Exception {
        List<Event> events = new ArrayList<>();
        Upcall.builder().source(FileOptions.defaults()).subscribe((e, end) -> events.add(e))
                .replay(Files.readAllBytes(FIXTURES.resolve("session.pcapng")), () -> false);
        return events;
    }

    @Test
    void theSessionReplaysAsReviewed() throws Exception {
        StringBuilder out = new StringBuilder();
        for (Event e : replay()) {
            out.append(JsonEventWriter.toJson(e)).append('\n');
        }
        Path golden = FIXTURES.resolve("session.golden.jsonl");
        if (Boolean.getBoolean("upcall.golden.update")) {
            GoldenUpdate.write(golden, out.toString());
        }
        assertThat(out.toString()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    @Test
    void pathsRenamesAndTheActor() throws Exception {
        List<FileEvent> events = replay().stream().map(FileEvent.class::cast).toList();
        assertThat(events).extracting(FileEvent::type).contains("create", "modify", "close_write", "attrib", "open",
                "access", "close_nowrite", "open_exec", "rename", "moved_from", "moved_to", "move_self", "delete");
        FileEvent create = events.getFirst();
        assertThat(create.type()).isEqualTo("create");
        assertThat(create.path()).isEqualTo(DIR + "/sub dir/a b");
        assertThat(create.process().comm()).isEqualTo("sh");
        FileEvent fileRename = events.stream().filter(e -> e.type().equals("rename") && !e.directory()).findFirst().orElseThrow();
        assertThat(fileRename.oldPath()).endsWith("/a b");
        assertThat(fileRename.path()).endsWith("/c d");
        FileEvent dirRename = events.stream().filter(e -> e.type().equals("rename") && e.directory()).findFirst().orElseThrow();
        assertThat(dirRename.oldPath()).isEqualTo(DIR + "/sub dir");
        assertThat(dirRename.path()).isEqualTo(DIR + "/moved");
        assertThat(events).filteredOn(e -> e.type().equals("open_exec")).extracting(FileEvent::path).containsExactly(DIR + "/tool");
        assertThat(events).filteredOn(e -> e.type().equals("delete")).extracting(FileEvent::path)
                .containsExactly(DIR + "/moved/c d", DIR + "/new");
    }

    @Test
    void theChosenKindsOnly() throws Exception {
        List<Event> events = new ArrayList<>();
        Upcall.builder().source(FileOptions.defaults().withEvents(java.util.EnumSet.of(FileEventType.DELETE)))
                .subscribe((e, end) -> events.add(e))
                .replay(Files.readAllBytes(FIXTURES.resolve("session.pcapng")), () -> false);
        assertThat(events).extracting(Event::type).containsExactly("delete", "delete");
    }

    @Test
    void anOverflowIsALossAndBrokenRecordsAreMalformed() {
        FileRecord.Writer w = new FileRecord.Writer(64);
        byte[] overflow = new byte[24];
        MemorySegment m = MemorySegment.ofArray(overflow);
        m.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0, 24);
        m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 4, (byte) Fanotify.FANOTIFY_METADATA_VERSION);
        m.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 6, (short) 24);
        m.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 8, Fanotify.FAN_Q_OVERFLOW);
        m.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 16, -1);
        w.begin(m, 0, 24);
        List<Event> out = new ArrayList<>();
        FileMessageDecoder d = new FileMessageDecoder(FileOptions.defaults());
        d.decode(w.end(), Envelope.NONE, Instant.EPOCH, out);
        assertThat(out).singleElement().isInstanceOf(LossEvent.class);
        byte[] record = w.end().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        for (int cut = 0; cut < record.length; cut++) {
            out.clear();
            d.decode(MemorySegment.ofArray(java.util.Arrays.copyOf(record, cut)), Envelope.NONE, Instant.EPOCH, out);
            assertThat(out).singleElement().isInstanceOf(MalformedEvent.class);
        }
        w.close();
    }
}
