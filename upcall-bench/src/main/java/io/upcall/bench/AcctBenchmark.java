package io.upcall.bench;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.acct.AcctChannel;
import io.upcall.core.acct.AcctEvent;
import io.upcall.core.acct.AcctOptions;
import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.Envelope;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.core.event.Event;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-record work of {@code upcall acct --json} on taskstats replies captured on this machine (the same bytes as
 * upcall-core's {@code AcctGoldenTest}, a version-16 kernel), in native memory as the reading thread sees them: the
 * channel's decoder (frame walk, {@code struct taskstats} by version, the thread fold, the event) and
 * {@link JsonEventWriter} into a null stream. {@code exit*}: one single-threaded process's exit, what a
 * {@code forkstorm -m exit} storm sends; {@code group*}: a three-thread process (two thread records, then the last
 * thread's with the group's aggregate), folded into one record. The decoder learned the family id in setup.
 *
 * <p>{@code bin/upcall} runs the JVM with C1 only ({@code -XX:TieredStopAtLevel=1}); give the same with
 * {@code -jvmArgsAppend -XX:TieredStopAtLevel=1} to measure what the CLI runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class AcctBenchmark {
    private static final Instant WHEN = Instant.parse("2026-11-28T12:34:56.123456789Z");

    private final JsonEventWriter writer = new JsonEventWriter();
    private final OutputStream sink = OutputStream.nullOutputStream();
    private final List<Event> events = new ArrayList<>(4);
    private Arena arena;
    private MessageDecoder decoder;
    private MemorySegment exit;
    private MemorySegment[] group;
    private Event exitEvent;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        decoder = AcctChannel.INSTANCE.decoder(AcctOptions.defaults(), DecodeContext.replay((where, error) -> {
            throw new IllegalStateException(where, error);
        }));
        decoder.decode(load("0-ctrl-reply.bin"), Envelope.NONE, WHEN, events); // the family id
        events.clear();
        exit = load("2-exit-true.bin");
        group = new MemorySegment[] {load("4-exit-python-thread.bin"), load("5-exit-python-thread.bin"),
                load("6-exit-python-last-thread-and-group.bin")};
        // Fail fast if the bytes are wrong: a benchmark of the error path would be meaningless.
        decoder.decode(exit, Envelope.NONE, WHEN, events);
        if (events.size() != 1 || !(events.getFirst() instanceof AcctEvent e) || !"true".equals(e.stats().comm())) {
            throw new IllegalStateException("the exit of true does not decode to one record: " + events);
        }
        exitEvent = events.getFirst();
        events.clear();
        for (MemorySegment m : group) {
            decoder.decode(m, Envelope.NONE, WHEN, events);
        }
        if (events.size() != 1 || !(events.getFirst() instanceof AcctEvent g) || g.threads() != 3) {
            throw new IllegalStateException("the python group does not fold into one record: " + events);
        }
        events.clear();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    private MemorySegment load(String name) {
        try (InputStream in = AcctBenchmark.class.getResourceAsStream("/acct/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource /acct/" + name);
            }
            byte[] bytes = in.readAllBytes();
            MemorySegment m = arena.allocate(bytes.length, 8);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, m, 0, bytes.length);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int write() throws IOException {
        int n = 0;
        for (Event e : events) {
            writer.write(e);
            n += writer.pendingBytes();
            writer.flushTo(sink);
        }
        events.clear();
        return n;
    }

    /** Decoding only: the reading thread's share. */
    @Benchmark
    public int exitDecode() {
        decoder.decode(exit, Envelope.NONE, WHEN, events);
        int n = events.size();
        events.clear();
        return n;
    }

    /** JSON only: the dispatching thread's share. */
    @Benchmark
    public int exitJson() throws IOException {
        events.add(exitEvent);
        return write();
    }

    @Benchmark
    public int exitDecodeJson() throws IOException {
        decoder.decode(exit, Envelope.NONE, WHEN, events);
        return write();
    }

    @Benchmark
    public int groupDecodeJson() throws IOException {
        for (MemorySegment m : group) {
            decoder.decode(m, Envelope.NONE, WHEN, events);
        }
        return write();
    }
}
