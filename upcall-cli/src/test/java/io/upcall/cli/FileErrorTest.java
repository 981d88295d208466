package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that cannot be used: each message names the file, the reason and what to do (kernel-free, in-process). */
class FileErrorTest {
    private final InProcess cli = new InProcess();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    @TempDir
    Path dir;

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void aDirectoryIsNamedAndCalledOne() {
        assertThat(run("replay", dir.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("upcall: cannot read " + dir + ": is a directory; give a file, not a directory\n");
        err.getBuffer().setLength(0);
        assertThat(run("devices", "--rules", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("upcall: cannot read " + dir + ": is a directory; give a file, not a directory\n");
    }

    @Test
    void aBinaryRulesFileIsNotUtf8Text() throws IOException {
        Path rules = Files.write(dir.resolve("rules.yaml"), new byte[] {0, (byte) 0xff, (byte) 0xfe, 1});
        assertThat(run("devices", "--rules", rules.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("upcall: " + rules + ": not UTF-8 text; a rules file is YAML text (README: Hotplug rules)\n");
    }

    @Test
    void aCaptureWithNothingUpcallReadsIsAnError() throws IOException {
        // Classic pcap, LINKTYPE_ETHERNET (1), one 14-byte frame: what tcpdump -i eth0 writes.
        ByteBuffer pcap = ByteBuffer.allocate(24 + 16 + 14).order(ByteOrder.LITTLE_ENDIAN);
        pcap.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        pcap.putInt(1).putInt(0).putInt(14).putInt(14).put(new byte[14]);
        Path file = Files.write(dir.resolve("eth.pcap"), pcap.array());
        assertThat(run("replay", file.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("upcall: " + file + ": nothing in it that Upcall reads: all 1 packets are of "
                + "other channels").doesNotContain("skipped");
    }

    @Test
    void reasonsAreWordsNotPaths() {
        assertThat(Errors.reason(new AccessDeniedException("/x.pcapng"))).isEqualTo("permission denied");
        assertThat(Errors.reason(new NoSuchFileException("/x"))).isEqualTo("no such file or directory");
        assertThat(Errors.reason(new FileSystemException("/x", null, "Read-only file system"))).isEqualTo("read-only file system");
        assertThat(Errors.reason(new MalformedInputException(4))).isEqualTo("not UTF-8 text");
        assertThat(Errors.cannotWrite(Path.of("/x.pcapng"), new AccessDeniedException("/x.pcapng")))
                .isEqualTo("cannot write /x.pcapng: permission denied; choose a file in a directory you may write to");
        assertThat(Errors.cannotWrite(dir.resolve("none/x.pcapng"), new NoSuchFileException("x")))
                .isEqualTo("cannot write " + dir.resolve("none/x.pcapng") + ": no such directory " + dir.resolve("none")
                        + "; create it first, or write elsewhere");
        assertThat(Errors.cannotRead(Path.of("r.yaml"), new AccessDeniedException("r.yaml")))
                .isEqualTo("cannot read r.yaml: permission denied; run as a user who may read it, or make it readable");
    }
}
