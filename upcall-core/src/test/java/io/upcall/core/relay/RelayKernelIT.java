package io.upcall.core.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.KernelTests;
import io.upcall.core.Upcall;
import io.upcall.core.proc.ProcOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
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

    @BeforeEach
    void startRelay() throws Exception {
        KernelTests.assumeProcConnector();
        relay = Relay.create();
        upcall = Upcall.builder().source(ProcOptions.defaults().withProcessContext(false)).batchDelay(Duration.ZERO)
                .subscribe(relay).start();
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

    private Process start(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).start();
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

    private static void awaitReady(Process receiver) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(receiver.getErrorStream(), StandardCharsets.UTF_8));
        assertThat(err.readLine()).isEqualTo("ready");
    }

    private static void go(Process forker) throws IOException {
        OutputStream in = forker.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    private static Set<Integer> readPids(Process p, int n) throws IOException {
        Set<Integer> pids = new HashSet<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (int i = 0; i < n; i++) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            pids.add(Integer.parseInt(line.strip()));
        }
        return pids;
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
        assertThat(signalled).isEqualTo(children);
        assertThat(receiver.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(receiver.exitValue()).isZero();
    }

    @Test
    void aRegisteredProcessThatExitsIsGoneWithinASecond() throws Exception {
        Process sleeper = start(List.of("sleep", "30"));
        RelayClient client = RelayClient.at(server.path());
        // SIGWINCH: sleep does not handle it, and its default action is to do nothing.
        client.register((int) sleeper.pid(), 28, RelayFilter.forks().withTree((int) sleeper.pid()));
        assertThat(client.processes()).extracting(RelayRegistrant::pid).containsExactly((int) sleeper.pid());
        sleeper.destroy();
        assertThat(sleeper.waitFor(5, TimeUnit.SECONDS)).isTrue();
        long exited = System.nanoTime();
        // signalRegistrations(), unlike registrants(), prunes nothing itself: only the exit event can empty it.
        assertThat(waitUntil(() -> relay.signalRegistrations() == 0, 5_000)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - exited)).isLessThan(Duration.ofSeconds(1));
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
        assertThat(readPids(other, 20)).isEqualTo(children); // the other registrant got every signal
        assertThat(waitUntil(() -> failedFor(receiver.pid()) > 0, 5_000)).isTrue();
        RelayRegistrant stopped = relay.registrants().stream().filter(r -> r.pid() == receiver.pid()).findFirst()
                .orElseThrow();
        assertThat(stopped.sent() + stopped.failed()).isEqualTo(20);
        assertThat(stopped.failed()).isGreaterThanOrEqualTo(15);
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
            assertThat(waitUntil(() -> heard.size() >= 10, 10_000)).isTrue();
            assertThat(heard).isEqualTo(children);
        }
    }

    private static boolean waitUntil(BooleanSupplier condition, int millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
