package io.upcall.core.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.linux.UnixServerSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's control socket against the running kernel: no user can keep another from being served, a request
 * too long still gets its answer, what the relay refuses it refuses to any client, and the socket is only made
 * where nobody else can interfere. Acting as another user needs root; the rest needs nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayControlKernelIT {
    private static final int SILENT_CONNECTIONS = 500;
    /** Harmless to any process: its default action is to do nothing. */
    private static final int SIGWINCH = 28;

    @TempDir
    Path dir;

    private TestPrograms programs;
    private Relay relay;
    private RelayServer server;
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void serve() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody runs programs here
        programs = new TestPrograms(dir);
        relay = Relay.create();
        server = RelayServer.start(dir.resolve("relay.sock"), relay, log::add);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        relay.onClose();
        programs.close();
    }

    @Test
    void fiveHundredSilentConnectionsOfOneUserDoNotDelayAnotherUsersRegistration() throws Exception {
        assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"), "needs root to act as nobody");
        Path silent = programs.build("relay-silent-clients");
        Process crowd = programs.startAsNobody(List.of(silent.toString(), server.path().toString(),
                Integer.toString(SILENT_CONNECTIONS)));
        String opened = TestPrograms.output(crowd).readLine(); // within 5 s, however many the relay let in
        Process sleeper = programs.start(List.of("sleep", "60"));

        long started = System.nanoTime();
        CompletableFuture<String> registered = CompletableFuture.supplyAsync(() -> {
            try {
                return RelayClient.at(server.path()).register((int) sleeper.pid(), SIGWINCH, RelayFilter.forks());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        String reply = registered.get(20, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(reply).startsWith("registered pid " + sleeper.pid());
        assertThat(opened).isEqualTo("open " + SILENT_CONNECTIONS); // each was accepted: none waited in the backlog
        assertThat(took).isLessThan(Duration.ofMillis(RelayControlLoop.DEADLINE_MILLIS));
        assertThat(log).filteredOn(line -> line.contains("uid " + TestPrograms.NOBODY + " holds")).hasSize(1);
    }

    /** Sends {@code request} as is and reads the answer until the relay closes the connection. */
    private String raw(String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(server.path()));
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (channel.read(buf) >= 0) {
                answer.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aRequestLongerThanTheLimitIsAnsweredWithAnErrorLineNotAReset() throws Exception {
        String answer = raw("register " + "x".repeat(2000) + "\n");
        assertThat(answer).isEqualTo("error request longer than 1024 bytes: a request is one line (see docs/relay.md)\n");
    }

    @Test
    void aClientThatSpeaksTheProtocolItselfMeetsTheSameRefusals() throws Exception {
        Process sleeper = programs.start(List.of("sleep", "60"));
        long pid = sleeper.pid();
        assertThat(raw("register pid=" + pid + " signal=SIGRTMIN\n"))
                .startsWith("error pid " + pid + " (sleep) neither handles, blocks nor ignores SIGRTMIN (34), so the "
                        + "first event relayed to it would end it");
        assertThat(raw("register pid=" + pid + " signal=KILL\n")).startsWith("error signal 9 (SIGKILL) cannot be caught");
        assertThat(raw("register pid=" + pid + " signal=STOP\n")).startsWith("error signal 19 (SIGSTOP) cannot be caught");
        assertThat(raw("register pid=" + pid + " signal=SIGWINCH tree=999999999\n"))
                .startsWith("error no process 999999999 to take the tree from");
        assertThat(raw("register pid=1 signal=SIGWINCH\n")).startsWith("error pid 1 is init");
        assertThat(relay.registrants()).isEmpty();
        assertThat(raw("register pid=" + pid + " signal=SIGRTMIN force\n")).startsWith("ok registered pid " + pid);
    }

    @Test
    void oneUserMayRegisterOnlySoManyProcesses() throws Exception {
        server.close();
        server = RelayServer.start(dir.resolve("relay.sock"), relay, log::add, 2);
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pids.add(programs.start(List.of("sleep", "60")).pid());
        }
        RelayClient client = RelayClient.at(server.path());
        client.register(pids.get(0).intValue(), SIGWINCH, RelayFilter.forks());
        client.register(pids.get(1).intValue(), SIGWINCH, RelayFilter.forks());
        client.register(pids.get(1).intValue(), SIGWINCH, RelayFilter.forks()); // again: replaces, counts once
        assertThatThrownBy(() -> client.register(pids.get(2).intValue(), SIGWINCH, RelayFilter.forks()))
                .isInstanceOf(RelayClient.RefusedException.class)
                .hasMessageContaining("uid 0 has 2 processes registered, the most this relay allows per user");
    }

    @Test
    void aSocketIsNotMadeWhereOthersCouldGetInItsWay() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        assertThat(new ProcessBuilder("chmod", "1777", shared.toString()).start().waitFor()).isZero();
        assertThatThrownBy(() -> RelayServer.start(shared.resolve("r.sock"), relay, log::add))
                .isInstanceOf(IOException.class).hasMessageContaining("is writable by others (mode 1777)");
        assertThat(shared.resolve("r.sock")).doesNotExist();

        Path missing = dir.resolve("missing").resolve("deeper");
        assertThatThrownBy(() -> RelayServer.start(missing.resolve("r.sock"), relay, log::add))
                .isInstanceOf(IOException.class).hasMessageContaining("does not exist: create it");
        assertThat(dir.resolve("missing")).doesNotExist();

        Path file = Files.writeString(dir.resolve("precious"), "x");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("link.sock"), file);
        assertThatThrownBy(() -> RelayServer.start(link, relay, log::add))
                .isInstanceOf(IOException.class).hasMessageContaining("exists and is not a socket");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws Exception {
        assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"), "needs root to chown");
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        assertThat(new ProcessBuilder("chown", Integer.toString(TestPrograms.NOBODY), theirs.toString()).start()
                .waitFor()).isZero();
        assertThatThrownBy(() -> RelayServer.start(theirs.resolve("r.sock"), relay, log::add))
                .isInstanceOf(IOException.class).hasMessageContaining("belongs to uid " + TestPrograms.NOBODY);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aListenerThatAcceptsNothingDoesNotHoldTheStartUp() throws Exception {
        Path busy = dir.resolve("busy.sock");
        List<SocketChannel> waiting = new ArrayList<>();
        try (UnixServerSocket other = UnixServerSocket.listen(busy, 0)) {
            // Fill its backlog: a blocking connect to it would now wait for ever.
            for (int i = 0; i < 8; i++) {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                waiting.add(c);
                c.configureBlocking(false);
                try {
                    c.connect(UnixDomainSocketAddress.of(busy));
                } catch (IOException e) {
                    break; // full
                }
            }
            assertThatThrownBy(() -> RelayServer.start(busy, relay, log::add))
                    .isInstanceOf(IOException.class).hasMessageMatching(".*(not replacing it|a relay already serves).*");
        } finally {
            for (SocketChannel c : waiting) {
                c.close();
            }
        }
        assertThat(busy).exists(); // not taken from the one that serves it
    }
}
