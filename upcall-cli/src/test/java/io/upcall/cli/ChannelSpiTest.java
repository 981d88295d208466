package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.pcap.Pcapng;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A channel added through the SPI alone ({@link TickChannel}, defined only under src/test) is in every command that
 * takes channels: doctor, record --sources, replay and monitor, with no main file naming it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChannelSpiTest {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        stdout.reset();
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cl = Main.commandLine(stdout);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private List<String> lines() {
        return stdout.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void doctorProbesIt() {
        run("doctor");
        assertThat(out.toString()).containsPattern("(?m)^tick +available +ticks from a thread");
    }

    @Test
    void recordAndReplayCarryIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ticks.pcapng");
        assertThat(run("record", "--sources", "tick", "--count", "5", file.toString())).as(err.toString()).isZero();
        assertThat(err.toString()).contains("recorded 5 messages (5 events)");
        assertThat(run("replay", "--json", file.toString())).as(err.toString()).isZero();
        assertThat(lines()).hasSize(5).allSatisfy(l -> assertThat(l).contains("\"source\":\"tick\"", "\"type\":\"tick\""));
        assertThat(lines().getFirst()).endsWith("\"n\":1}");
        assertThat(lines().getLast()).endsWith("\"n\":5}");
    }

    @Test
    void aMessageItCannotDecodeIsMalformedInTheStream(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream capture = new ByteArrayOutputStream();
        capture.writeBytes(Pcapng.sectionHeader("test"));
        capture.writeBytes(Pcapng.interfaceDescription(TickChannel.LINKTYPE_USER13, 65535, "tick"));
        for (String message : new String[] {"tick 1", "tock", "tick 2"}) {
            byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
            capture.writeBytes(Pcapng.enhancedPacket(0, 1_000_000_000L, bytes, 0, bytes.length));
        }
        Path file = dir.resolve("tock.pcapng");
        Files.write(file, capture.toByteArray());
        assertThat(run("replay", "--json", file.toString())).as(err.toString()).isZero();
        assertThat(lines()).hasSize(3);
        assertThat(lines().get(1)).contains("\"type\":\"malformed\"", "\"channel\":\"tick\"", "\"kind\":\"not_a_tick\"");
        assertThat(lines().get(2)).contains("\"n\":2");
    }

    @Test
    void monitorMergesIt() {
        assertThat(run("monitor", "--json", "--duration", "1s")).as(err.toString()).isZero();
        assertThat(lines()).anySatisfy(l -> assertThat(l).contains("\"source\":\"tick\""));
    }
}
