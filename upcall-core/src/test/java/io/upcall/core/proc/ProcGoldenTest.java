package io.upcall.core.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.GoldenUpdate;
import io.upcall.core.JsonEventWriter;
import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.Envelope;
import io.upcall.core.channel.WallClock;
import io.upcall.core.event.Event;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decodes datagrams captured from the real kernel ({@link ProcFixturesCaptureKernelIT}) and compares
 * the JSON Lines with the reviewed {@code <case>.golden.jsonl}. Regenerate the expected files with
 * {@code -Dupcall.golden.update=true} and review the diff ({@link GoldenUpdate}: such a run never passes).
 */
class ProcGoldenTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/proc");
    private static final boolean UPDATE = Boolean.getBoolean("upcall.golden.update");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bin"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decodesCapturedDatagramAsReviewed(String name) throws IOException {
        byte[] datagram = Files.readAllBytes(FIXTURES.resolve(name + ".bin"));
        String actual = render(datagram);
        Path golden = FIXTURES.resolve(name + ".golden.jsonl");
        if (UPDATE) {
            GoldenUpdate.write(golden, actual);
        }
        assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    @org.junit.jupiter.api.Test
    void everyEventTypeTheKernelSendsHasAFixture() throws IOException {
        List<String> names = cases().toList();
        assertThat(names).contains("ack", "fork", "fork_thread", "exec", "exit_status_7", "exit_sigkill", "uid", "gid",
                "sid", "comm", "ptrace_attach", "ptrace_detach", "coredump");
    }

    /**
     * Datagram to JSON Lines through the verifying path live input takes ({@link ProcMessageDecoder}: sender, framing,
     * sequence, decoding), with a fixed clock so event times are the kernel timestamp after 2026-01-01. An
     * acknowledgement is the decoder's own business, not an event: its fixture renders empty.
     */
    static String render(byte[] datagram) {
        WallClock clock = new WallClock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), () -> 0L);
        StringBuilder out = new StringBuilder();
        List<Event> events = new java.util.ArrayList<>();
        new ProcMessageDecoder(true, DecodeContext.onWallClock(false, clock, (w, t) -> out.append("# ").append(w)
                .append(": ").append(t.getMessage()).append('\n')))
                .decode(MemorySegment.ofArray(datagram), Envelope.NONE, clock.now(), events);
        for (Event e : events) {
            out.append(JsonEventWriter.toJson(e)).append('\n');
        }
        return out.toString();
    }
}
