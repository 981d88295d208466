package io.upcall.core.acct;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.GoldenUpdate;
import io.upcall.core.JsonEventWriter;
import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.Envelope;
import io.upcall.core.event.Event;
import io.upcall.core.event.MalformedEvent;
import io.upcall.core.event.RejectedEvent;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A session captured on this machine ({@code fixtures/acct/*.bin}, in order): the controller's answer naming the
 * family (id 31 on that boot), the registration's acknowledgement, then exit records of {@code true},
 * {@code sh -c 'exit 3'}, a three-thread {@code python3} (two threads, then the last with the group's aggregate)
 * and {@code dd ... conv=fsync} writing 2 MiB. Rendered as JSON Lines and compared with the reviewed
 * {@code session.golden.jsonl}; {@code -Dupcall.golden.update=true} regenerates it.
 */
class AcctGoldenTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/acct");
    private static final Instant WHEN = Instant.parse("2026-01-01T00:00:00Z");

    static List<byte[]> session() throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            List<Path> bins = files.filter(p -> p.toString().endsWith(".bin")).sorted().toList();
            List<byte[]> out = new ArrayList<>();
            for (Path p : bins) {
                out.add(Files.readAllBytes(p));
            }
            return out;
        }
    }

    static List<Event> decode(AcctOptions options, List<byte[]> datagrams) {
        List<Event> events = new ArrayList<>();
        AcctMessageDecoder decoder = new AcctMessageDecoder(options, DecodeContext.replay((w, t) -> {
            throw new AssertionError(w, t);
        }));
        for (byte[] d : datagrams) {
            decoder.decode(MemorySegment.ofArray(d), Envelope.NONE, WHEN, events);
        }
        return events;
    }

    @Test
    void theSessionDecodesAsReviewed() throws IOException {
        StringBuilder out = new StringBuilder();
        for (Event e : decode(AcctOptions.defaults(), session())) {
            out.append(JsonEventWriter.toJson(e)).append('\n');
        }
        Path golden = FIXTURES.resolve("session.golden.jsonl");
        if (Boolean.getBoolean("upcall.golden.update")) {
            GoldenUpdate.write(golden, out.toString());
        }
        assertThat(out.toString()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    @Test
    void oneRecordPerProcessWithThreadsFoldedIntoTheGroup() throws IOException {
        List<AcctEvent> events = decode(AcctOptions.defaults(), session()).stream().map(AcctEvent.class::cast).toList();
        assertThat(events).extracting(e -> e.stats().comm()).containsExactly("true", "sh", "python3", "dd");
        AcctEvent python = events.get(2);
        assertThat(python.threads()).isEqualTo(3);
        assertThat(python.pid()).isEqualTo(8978);
        // The kernel's own group aggregate (in the last datagram) says 52000 us user, 3936 us system, 4 + 6 switches:
        // the fold of the three threads' records must agree where the kernel's aggregate has figures at all.
        assertThat(python.stats().get(TaskstatsField.AC_UTIME)).isEqualTo(52_000);
        assertThat(python.stats().get(TaskstatsField.AC_STIME)).isEqualTo(3_936);
        assertThat(python.stats().get(TaskstatsField.NVCSW)).isEqualTo(4);
        assertThat(python.stats().get(TaskstatsField.NIVCSW)).isEqualTo(6);
        assertThat(python.stats().get(TaskstatsField.CPU_RUN_REAL_TOTAL)).isEqualTo(55_936_595);
        // ... and carries what the kernel's aggregate lacks: faults summed, the high-water mark not summed.
        assertThat(python.stats().get(TaskstatsField.AC_MINFLT)).isEqualTo(1_941);
        assertThat(python.stats().get(TaskstatsField.HIWATER_RSS)).isEqualTo(13_400);
        assertThat(events.get(1).exitCode()).isEqualTo(3);
        assertThat(events.get(3).stats().get(TaskstatsField.WRITE_BYTES)).isGreaterThanOrEqualTo(2 << 20);
    }

    @Test
    void threadRecordsOnRequest() throws IOException {
        List<Event> events = decode(new AcctOptions(AcctOptions.ANY, "python3", true, 0), session());
        assertThat(events).extracting(Event::type).containsExactly("thread_exit", "thread_exit", "thread_exit", "exit");
    }

    @Test
    void selectionByUserAndCommand() throws IOException {
        assertThat(decode(new AcctOptions(0, "dd", false, 0), session())).hasSize(1);
        assertThat(decode(new AcctOptions(1000, null, false, 0), session())).isEmpty();
    }

    @Test
    void withoutTheControllersAnswerRecordsAreMalformedNotGuessed() throws IOException {
        List<byte[]> withoutCtrl = session().subList(1, session().size());
        List<Event> events = decode(AcctOptions.defaults(), withoutCtrl);
        assertThat(events).isNotEmpty().allSatisfy(e -> {
            assertThat(e).isInstanceOf(MalformedEvent.class);
            assertThat(((MalformedEvent) e).kind()).isEqualTo("family_unknown");
        });
    }

    @Test
    void onlyTheKernelIsBelieved() throws IOException {
        List<Event> events = new ArrayList<>();
        AcctMessageDecoder decoder = new AcctMessageDecoder(AcctOptions.defaults(), DecodeContext.replay((w, t) -> { }));
        for (byte[] d : session()) {
            decoder.decode(MemorySegment.ofArray(d), Envelope.recorded(4242, 0), WHEN, events);
        }
        assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e).isInstanceOf(RejectedEvent.class));
        assertThat(decoder.familyId()).isEqualTo(-1);
    }
}
