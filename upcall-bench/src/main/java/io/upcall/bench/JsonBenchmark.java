package io.upcall.bench;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.core.proc.ProcessInfo;
import io.upcall.protocol.cnproc.ProcEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding one decoded event as a JSON line with {@link JsonEventWriter} and handing the bytes to an
 * {@link OutputStream} (a null stream, so only the encoding and the copy are measured), without and
 * with a {@link ProcessInfo} attached (what {@code --no-process} saves).
 *
 * <p>The event's time is fixed, so the writer's per-second date prefix cache always hits: this is the
 * steady state of a storm (thousands of events per second), not the first event of a second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class JsonBenchmark {
    private final JsonEventWriter writer = new JsonEventWriter();
    private final OutputStream sink = OutputStream.nullOutputStream();
    private ProcessEvent fork;
    private ProcessEvent exit;
    private ProcessEvent forkWithProcess;
    private ProcessEvent exitWithProcess;

    @Setup(Level.Trial)
    public void setUp() {
        Instant time = Instant.parse("2026-11-28T12:34:56.123456789Z");
        ProcEvent.Fork f = new ProcEvent.Fork(1, 1_234_567_890_123L, 7, 4242, 4242, 4243, 4243);
        ProcEvent.Exit e = new ProcEvent.Exit(0, 1_234_567_890_456L, 8, 4243, 4243, 0, 17, 4242, 4242);
        ProcessInfo child = new ProcessInfo(4243, 4242, "forkstorm", "/tmp/bench-bin/forkstorm",
                "/tmp/bench-bin/forkstorm -m exit -k 8 -n 100000", 0, "root", List.of());
        fork = new ProcessEvent(time, f, null);
        exit = new ProcessEvent(time, e, null);
        forkWithProcess = new ProcessEvent(time, f, child);
        exitWithProcess = new ProcessEvent(time, e, child);
    }

    private int encode(ProcessEvent event) throws IOException {
        writer.write(event);
        int n = writer.pendingBytes();
        writer.flushTo(sink);
        return n;
    }

    @Benchmark
    public int fork() throws IOException {
        return encode(fork);
    }

    @Benchmark
    public int exit() throws IOException {
        return encode(exit);
    }

    @Benchmark
    public int forkWithProcess() throws IOException {
        return encode(forkWithProcess);
    }

    @Benchmark
    public int exitWithProcess() throws IOException {
        return encode(exitWithProcess);
    }
}
