package io.upcall.bench;

import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.cnproc.CnProcDecoder;
import io.upcall.protocol.cnproc.ProcEvent;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * Decoding one proc-connector datagram from native memory: the netlink frame walk
 * ({@link NetlinkCursor}) plus {@link CnProcDecoder#decode}, the per-event work of the reading thread
 * before any filtering or output.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class DecodeBenchmark {
    private Arena arena;
    private MemorySegment fork;
    private MemorySegment exit;
    private final NetlinkCursor cursor = new NetlinkCursor();

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        fork = Datagrams.nativeCopy(arena, Datagrams.fork(7));
        exit = Datagrams.nativeCopy(arena, Datagrams.exit(8));
        // Fail fast if the bytes are wrong: a benchmark of the error path would be meaningless.
        if (!(decodeOne(fork) instanceof DecodeResult.Decoded<ProcEvent>(ProcEvent.Fork f)) || f.childTgid() != 4243) {
            throw new IllegalStateException("fork datagram does not decode to a fork: " + decodeOne(fork));
        }
        if (!(decodeOne(exit) instanceof DecodeResult.Decoded<ProcEvent>(ProcEvent.Exit e)) || e.exitSignal() != 17) {
            throw new IllegalStateException("exit datagram does not decode to an exit: " + decodeOne(exit));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    private DecodeResult<ProcEvent> decodeOne(MemorySegment datagram) {
        cursor.reset(datagram);
        if (!cursor.next()) {
            return null;
        }
        return CnProcDecoder.decode(datagram, cursor.payloadOffset(), cursor.payloadLength());
    }

    @Benchmark
    public DecodeResult<ProcEvent> decodeFork() {
        return decodeOne(fork);
    }

    @Benchmark
    public DecodeResult<ProcEvent> decodeExit() {
        return decodeOne(exit);
    }
}
