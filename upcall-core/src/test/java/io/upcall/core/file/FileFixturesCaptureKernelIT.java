package io.upcall.core.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.Upcall;
import io.upcall.core.capture.PcapngRecorder;
import io.upcall.core.channel.RawTap;
import java.io.OutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Re-captures the file channel's fixtures from this kernel, with Upcall's own recorder: {@code session.pcapng} in
 * {@code upcall-core/src/test/resources/fixtures/file/}, and each fanotify event as read (without Upcall's record
 * around it) in {@code upcall-protocol/src/test/resources/io/upcall/protocol/fanotify/events/}, the info decoder's
 * golden inputs and fuzz seeds. Off by default; run with {@code -Dit.test=FileFixturesCaptureKernelIT
 * -Dupcall.capture=true}, then {@code -Dupcall.golden.update=true} for the expected JSON, and review the diff.
 */
@EnabledIfSystemProperty(named = "upcall.capture", matches = "true")
class FileFixturesCaptureKernelIT {
    static final Path DIR = Path.of("/tmp/upcall-file-fixture");
    private static final Path OUT = Path.of("src/test/resources/fixtures/file");
    private static final Path EVENTS = Path.of("../upcall-protocol/src/test/resources/io/upcall/protocol/fanotify/events");

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void captureASession() throws Exception {
        FileStream.assumeFanotify();
        FileStream.sh("rm -rf " + DIR + " && mkdir -p '" + DIR + "/sub dir' && cp /bin/true " + DIR + "/tool");
        Files.createDirectories(OUT);
        Files.createDirectories(EVENTS);
        List<byte[]> raw = new ArrayList<>();
        try (OutputStream file = Files.newOutputStream(OUT.resolve("session.pcapng"))) {
            PcapngRecorder recorder = new PcapngRecorder(file, "upcall fixture capture", 0, () -> { });
            RawTap both = (channel, message, envelope, received, clock) -> {
                recorder.accept(channel, message, envelope, received, clock);
                int len = message.get(ValueLayout.JAVA_INT_UNALIGNED, 4);
                raw.add(message.asSlice(FileRecord.HEADER_LEN, len).toArray(ValueLayout.JAVA_BYTE));
            };
            FileOptions options = FileOptions.of(List.of(DIR.toString(), DIR + "/sub dir"))
                    .withEvents(EnumSet.allOf(FileEventType.class));
            Upcall upcall = Upcall.builder().source(options).rawTap(both).start();
            try {
                FileStream.sh("cd " + DIR + " && echo hi > 'sub dir/a b' && chmod 4755 'sub dir/a b' && cat 'sub dir/a b' >/dev/null"
                        + " && ./tool && mkdir new && mv 'sub dir/a b' 'sub dir/c d' && mv 'sub dir' moved && rm 'moved/c d'"
                        + " && rmdir new; sleep 0.5");
                Thread.sleep(1000);
            } finally {
                upcall.close();
                recorder.close();
            }
        } finally {
            FileStream.sh("rm -rf " + DIR);
        }
        assertThat(raw).hasSizeGreaterThan(8);
        for (int i = 0; i < raw.size(); i++) {
            Files.write(EVENTS.resolve(String.format("%02d.bin", i)), raw.get(i));
        }
    }
}
