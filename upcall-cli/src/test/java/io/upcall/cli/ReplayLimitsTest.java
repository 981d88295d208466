package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code replay} of a file from anyone: one too large to hold is a clear refusal, not an OutOfMemoryError. */
class ReplayLimitsTest {

    @Test
    void aFileLargerThanAReplayCanHoldIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
        Path huge = dir.resolve("huge\u001b[2J.pcapng");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: 3 GiB that take no disk
        }
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(new ByteArrayOutputStream());
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("replay", huge.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("huge\\x1b[2J.pcapng: 3221225472 bytes, more than the ", "split it first")
                .doesNotContain("\u001b", "Exception", "\tat ");
    }
}
