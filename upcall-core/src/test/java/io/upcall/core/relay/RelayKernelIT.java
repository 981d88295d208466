package io.upcall.core.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.KernelTests;
import io.upcall.core.Upcall;
import io.upcall.core.event.LossEvent;
import io.upcall.core.proc.ProcOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Relay fork against the running kernel, with the C receiver from examples/ (root; skips otherwise). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayKernelIT {
    private static final int CHILDREN = 200;
    private static final Path RECEIVER_SOURCE = Path.of("..", "examples", "relay-receiver.c");

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private Relay relay;
    private Upcall upcall;
    private RelayServer server;
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    /** Loss events of the stream: a fork lost under other load is never relayed, and the stream says so. */
    private final AtomicInteger losses = new AtomicInteger();

    @BeforeEach
    void startRelay() throws Exception {
        KernelTests.assumeProcConnector();
        relay = Relay.create();
        upcall = Upcall.builder().source(ProcOptions.defaults().withProcessContext(false)).batchDelay(Duration.ZERO)
                .subscribe(relay).subscribe((e, end) -> {
                    if (e instanceof LossEvent) {
                        losses.incrementAndGet();
                    }
                }).start();
        server = RelayServer.start(dir.resolve("relay.sock"), relay, log::add);
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        if (upcall != null) {
            upcall.close();
        }
    }

    /**
     * Starts {@code command}, its output and errors in files of the test's directory: a test reads them with a
     * deadline ({@link #lines}), where a blocked read of a pipe could not be interrupted.
     */
    private Process start(List<String> command) throws IOException {
        int n = started.size();
        Process p = new ProcessBuilder(command).redirectOutput(out(n).toFile()).redirectError(dir.resolve(n + ".err").toFile())
                .start();
        started.add(p);
        return p;
    }

    /** Builds examples/relay-receiver.c with the system C compiler, or skips saying why. */
    private Path receiver() throws Exception {
        return new TestPrograms(dir).build(RECEIVER_SOURCE.toString());
    }

    /** A shell that, once told to go, forks {@code n} children and prints each child's pid. */
    private Process forker(int n) throws IOException {
        return start(List.of("bash", "-c", "read go; i=0; while [ $i -lt " + n + " ]; do /bin/true & echo $!; "
                + "i=$((i+1)); done; wait"));
    }

    private Path out(int index) {
        return dir.resolve(index + ".out");
    }

    /** The first {@code n} lines of {@code file} once it has them, or all it has after 30 s (bounded: 1500 looks). */
    private static List<String> lines(Path file, int n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> lines = List.of();
        for (int i = 0; i < 1500 && System.nanoTime() < deadline; i++) {
            // Whole lines only: the last may still be half written.
            String text = Files.exists(file) ? Files.readString(file) : "";
            lines = text.substring(0, text.lastIndexOf('\n') + 1).lines().filter(l -> !l.isEmpty()).toList();
            if (lines.size() >= n) {
                return lines.subList(0, n);
            }
            Thread.sleep(20);
        }
        return lines;
    }

    private void awaitReady(Process receiver) throws IOException, InterruptedException {
        assertThat(lines(dir.resolve(started.indexOf(receiver) + ".err"), 1)).containsExactly("ready");
    }

    private static void go(Process forker) throws IOException {
        OutputStream in = forker.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    /** Up to {@code n} pids, one a line, that {@code p} prints within 30 seconds. */
    private Set<Integer> readPids(Process p, int n) throws IOException, InterruptedException {
        Set<Integer> pids = new HashSet<>();
        for (String line : lines(out(started.indexOf(p)), n)) {
            pids.add(Integer.parseInt(line.strip()));
        }
        return pids;
    }

    /** Every child signalled; or, when the stream reported loss, none but children (the lost forks were not relayed). */
    private void assertRelayed(Set<Integer> signalled, Set<Integer> children) {
        if (losses.get() == 0) {
            assertThat(signalled).isEqualTo(children);
        } else {
            assertThat(children).containsAll(signalled);
        }
    }

    @Test
    void theCReceiverGetsEveryChildPidOfItsTreeAsTheSignalValue() throws Exception {
        Path receiverBinary = receiver();
        Process forker = forker(CHILDREN);
        Process receiver = start(List.of(receiverBinary.toString(), "-s", server.path().toString(),
                "-t", Long.toString(forker.pid()), "-n", Integer.toString(CHILDREN)));
        awaitReady(receiver);
        go(forker);
        Set<Integer> children = readPids(forker, CHILDREN);
        Set<Integer> signalled = readPids(receiver, CHILDREN);
        assertThat(children).hasSize(CHILDREN);
        assertRelayed(signalled, children);
        if (signalled.size() == CHILDREN) {
            assertThat(receiver.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(receiver.exitValue()).isZero();
        }
    }

    @Test
    void aRegisteredProcessThatExitsIsGone() throws Exception {
        Process sleeper = start(List.of("sleep", "30"));
        RelayClient client = RelayClient.at(server.path());
        // SIGWINCH: sleep does not handle it, and its default action is to do nothing.
        client.register((int) sleeper.pid(), 28, RelayFilter.forks().withTree((int) sleeper.pid()));
        assertThat(client.processes()).extracting(RelayRegistrant::pid).containsExactly((int) sleeper.pid());
        sleeper.destroy();
        assertThat(sleeper.waitFor(5, TimeUnit.SECONDS)).isTrue();
        // signalRegistrations(), unlike registrants(), prunes nothing itself: only the exit event can empty it. No time
        // limit is asserted (a busy machine could break one), and an exit event lost under other load (the stream says
        // so) cannot empty it at all.
        waitUntil(() -> relay.signalRegistrations() == 0 || losses.get() > 0, 10_000);
        if (losses.get() == 0) {
            assertThat(relay.signalRegistrations()).isZero();
        }
        assertThat(client.processes()).isEmpty();
    }

    @Test
    void aFullSignalQueueIsCountedAndDoesNotStopTheRelay() throws Exception {
        Path receiverBinary = receiver();
        Process forker = forker(20);
        // At most 5 signals may be pending for this receiver's user; stopped, it takes none off its queue.
        Process receiver = start(List.of("prlimit", "--sigpending=5", receiverBinary.toString(), "-s",
                server.path().toString(), "-t", Long.toString(forker.pid())));
        awaitReady(receiver);
        Process other = start(List.of(receiverBinary.toString(), "-s", server.path().toString(), "-t",
                Long.toString(forker.pid()), "-n", "20"));
        awaitReady(other);
        assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(receiver.pid())).start().waitFor()).isZero();
        go(forker);
        Set<Integer> children = readPids(forker, 20);
        assertRelayed(readPids(other, 20), children); // the other registrant got every signal
        assertThat(waitUntil(() -> failedFor(receiver.pid()) > 0, 10_000)).isTrue();
        RelayRegistrant stopped = relay.registrants().stream().filter(r -> r.pid() == receiver.pid()).findFirst()
                .orElseThrow();
        // Root's pending signals all count against the limit of 5, whatever else root runs: at most 5 went through.
        assertThat(stopped.sent()).isLessThanOrEqualTo(5);
        if (losses.get() == 0) {
            assertThat(stopped.sent() + stopped.failed()).isEqualTo(20);
        }
    }

    private long failedFor(long pid) {
        return relay.registrants().stream().filter(r -> r.pid() == pid).mapToLong(RelayRegistrant::failed).sum();
    }

    @Test
    void aJvmCallbackHearsForksOfItsTree() throws Exception {
        Process forker = forker(10);
        Set<Integer> heard = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (Relay.Registration _ = relay.register(RelayFilter.forks().withTree((int) forker.pid()),
                (type, pid) -> heard.add(pid))) {
            go(forker);
            Set<Integer> children = readPids(forker, 10);
            waitUntil(() -> heard.size() >= 10 || losses.get() > 0, 10_000);
            assertRelayed(heard, children);
        }
    }

    private static boolean waitUntil(BooleanSupplier condition, int millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        for (int i = 0; i < millis / 20 + 1 && System.nanoTime() < deadline; i++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
