package io.upcall.protocol.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.DecodeResult;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * fanotify events read on this machine (Linux 6.18, ext4, a group with {@code FAN_REPORT_DFID_NAME | FAN_REPORT_FID |
 * FAN_REPORT_TARGET_FID | FAN_REPORT_PIDFD}) by {@code FileFixturesCaptureKernelIT}: a file created, written,
 * chmod 4755, read, a program run, a directory made, renames of a file and of a directory, deletes. Each event's
 * metadata and info records, described one line each in {@code events.golden.txt} (review the diff after
 * {@code -Dupcall.golden.update=true}).
 */
class FanotifyInfoDecoderGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/io/upcall/protocol/fanotify/events");

    static List<Path> events() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".bin")).sorted().toList();
        }
    }

    static String describe(byte[] bytes) {
        MemorySegment s = MemorySegment.ofArray(bytes);
        FanotifyEvent e = ((DecodeResult.Decoded<FanotifyEvent>) FanotifyDecoder.decode(s, 0, bytes.length)).value();
        DecodeResult<List<FanotifyInfo>> r = FanotifyInfoDecoder.decode(s, e.metadataLength(), e.eventLength());
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        StringBuilder line = new StringBuilder("mask=0x" + Long.toHexString(e.mask()) + " fd=" + e.fd());
        for (FanotifyInfo i : ((DecodeResult.Decoded<List<FanotifyInfo>>) r).value()) {
            line.append(" | ").append(i.type()).append('@').append(i.offset());
            switch (i) {
                case FanotifyInfo.Fid f -> line.append(" fsid=").append(Long.toHexString(f.fsid())).append(" type=")
                        .append(f.handleType()).append(" handle=").append(HexFormat.of().formatHex(f.handle()))
                        .append(f.hasName() ? " name=" + f.nameText() : "");
                case FanotifyInfo.Pidfd p -> line.append(" pidfd=").append(p.pidfd() >= 0 ? "fd" : Integer.toString(p.pidfd()));
                default -> line.append(' ').append(i);
            }
        }
        return line.toString();
    }

    @Test
    void everyEventDecodesAsReviewed() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path p : events()) {
            lines.add(p.getFileName() + " " + describe(Files.readAllBytes(p)));
        }
        String actual = String.join("\n", lines) + "\n";
        Path golden = DIR.resolve("events.golden.txt");
        if (Boolean.getBoolean("upcall.golden.update")) {
            Files.writeString(golden, actual);
        }
        assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    @Test
    void aRenameCarriesTheOldAndTheNewDirectoryAndName() throws IOException {
        boolean found = false;
        for (Path p : events()) {
            byte[] b = Files.readAllBytes(p);
            MemorySegment s = MemorySegment.ofArray(b);
            FanotifyEvent e = ((DecodeResult.Decoded<FanotifyEvent>) FanotifyDecoder.decode(s, 0, b.length)).value();
            if ((e.mask() & Fanotify.FAN_RENAME) == 0) {
                continue;
            }
            List<FanotifyInfo> infos = ((DecodeResult.Decoded<List<FanotifyInfo>>) FanotifyInfoDecoder.decode(s,
                    e.metadataLength(), e.eventLength())).value();
            assertThat(infos).extracting(FanotifyInfo::type).contains(Fanotify.FAN_EVENT_INFO_TYPE_OLD_DFID_NAME,
                    Fanotify.FAN_EVENT_INFO_TYPE_NEW_DFID_NAME, Fanotify.FAN_EVENT_INFO_TYPE_PIDFD);
            FanotifyInfo.Fid old = (FanotifyInfo.Fid) infos.stream()
                    .filter(i -> i.type() == Fanotify.FAN_EVENT_INFO_TYPE_OLD_DFID_NAME).findFirst().orElseThrow();
            assertThat(old.nameText()).isIn("a b", "sub dir");
            assertThat(old.fileHandle()).hasSize(8 + old.handle().length);
            found = true;
        }
        assertThat(found).isTrue();
    }

    @Test
    void brokenRecordsAreMalformedWithTheirOffset() throws IOException {
        byte[] b = Files.readAllBytes(events().getFirst());
        MemorySegment s = MemorySegment.ofArray(b);
        for (int end = 25; end < b.length; end++) {
            if (end == 56 || end == 84) {
                continue; // record boundaries (a DFID_NAME of 32 bytes, a FID of 28): fewer records, not broken ones
            }
            DecodeResult<List<FanotifyInfo>> r = FanotifyInfoDecoder.decode(s, 24, end);
            assertThat(r).as("cut at %d", end).isInstanceOf(DecodeResult.Malformed.class);
            assertThat(((DecodeResult.Malformed<?>) r).offset()).isBetween(24L, (long) end);
        }
        byte[] zeroLen = b.clone();
        zeroLen[26] = 0;
        zeroLen[27] = 0;
        assertThat(FanotifyInfoDecoder.decode(MemorySegment.ofArray(zeroLen), 24, b.length))
                .isEqualTo(DecodeResult.malformed("short_info_record", 24, "record of type " + b[24] + " says it is 0 bytes"));
    }
}
