package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code upcall relay} through the packaged jar: a service on a private socket, and clients (root; skips otherwise). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayCliKernelIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target/upcall.jar");
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    private Path socket;
    private Path jar;
    private Process server;
    /** The server's log (standard error), read as it comes: a full pipe would stall the relay. */
    private Lines serverLog;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void serve() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR.toAbsolutePath());
        assumeTrue(Files.isReadable(Path.of("/proc/self/status"))
                && Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"), "needs root");
        // Another user must reach the socket and read the jar: the directory JUnit made is private.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = Files.copy(JAR, dir.resolve("upcall.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        socket = dir.resolve("relay.sock");
        server = command(List.of(), "relay", "serve", "--socket", socket.toString()).start();
        started.add(server);
        // Root and the jar are given: a relay that does not start is a failure, not a reason to skip.
        serverLog = new Lines(server.getErrorStream());
        List<String> said = new ArrayList<>();
        long deadline = Lines.in(60);
        for (String line = serverLog.next(deadline); line != null && said.size() < 20; line = serverLog.next(deadline)) {
            said.add(line);
            if (line.startsWith("relay: serving")) {
                return;
            }
        }
        throw new AssertionError("relay serve did not start; it said: " + said);
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : started.reversed()) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (server != null) {
            assertThat(server.exitValue()).as("relay serve exits 0 on SIGTERM").isZero();
            assertThat(socket).doesNotExist();
        }
    }

    private ProcessBuilder command(List<String> prefix, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    private Child.Result run(List<String> prefix, String... args) throws Exception {
        return Child.run(command(prefix, args), 60);
    }

    private static Child.Result shell(String script) throws Exception {
        return Child.run(new ProcessBuilder("bash", "-c", script), 60);
    }

    /** Whether the relay logged proc-connector loss: a fork lost under other load is never relayed, and it says so. */
    private boolean relayReportedLoss() {
        return serverLog.drained(100_000).stream().anyMatch(l -> l.contains("relay: warning: lost"));
    }

    private Child.Result relay(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("relay", args[0], "--socket", socket.toString()));
        all.addAll(List.of(args).subList(1, args.length));
        return run(List.of(), all.toArray(String[]::new));
    }

    private Process start(String... command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        started.add(p);
        return p;
    }

    @Test
    void signal33IsRefusedWithTheReasonAndSigrtminPlus2Works() throws Exception {
        // A shell that counts SIGRTMIN+2 traps, then forks once when told to.
        // Waits up to 10 s for its signal after the fork: a busy machine delays the relay, which still must not lose it.
        Process shell = start("bash", "-c", "trap 'echo got; exit 0' RTMIN+2; read go; /bin/true; "
                + "for i in $(seq 100); do sleep 0.1; done; echo done");
        Child.Result refused = relay("register", "--pid", Long.toString(shell.pid()), "--signal", "33");
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err()).contains("signal 33 is reserved by glibc's thread library");

        Child.Result ok = relay("register", "--pid", Long.toString(shell.pid()), "--signal", "SIGRTMIN+2", "--tree",
                Long.toString(shell.pid()));
        assertThat(ok.status()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("registered pid " + shell.pid() + " (bash) for fork tree=" + shell.pid()
                + " with SIGRTMIN+2");
        JsonNode listed = JSON.readTree(relay("processes", "--json").out());
        assertThat(listed.get("pid").asLong()).isEqualTo(shell.pid());
        assertThat(listed.get("signal").asInt()).isEqualTo(36);
        assertThat(listed.get("filter").asText()).isEqualTo("fork tree=" + shell.pid());

        shell.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
        shell.getOutputStream().flush();
        assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!relayReportedLoss()) {
            assertThat(out).contains("got");
        }
        // Its exit reaches the relay a moment later (bounded: 10 s).
        String now = relay("processes").out();
        for (int i = 0; i < 100 && !now.contains("(no process is registered)"); i++) {
            Thread.sleep(100);
            now = relay("processes").out();
        }
        assertThat(now).contains("(no process is registered)");
    }

    @Test
    void aUserMayRegisterTheirOwnProcessButNotAnotherUsers() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to act as another user");
        List<String> asNobody = List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups");
        Process rootOwned = start("sleep", "60");
        // --force: sleep does not handle the signal; the point here is who may register it.
        Child.Result refused = run(asNobody, "relay", "register", "--socket", socket.toString(), "--pid",
                Long.toString(rootOwned.pid()), "--signal", "SIGRTMIN+3", "--force");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).contains("the relay refused: uid " + NOBODY + " may not register pid " + rootOwned.pid()
                + " (it runs as uid 0): only root or its own user may");

        List<String> sleepAsNobody = new ArrayList<>(asNobody);
        sleepAsNobody.addAll(List.of("sleep", "60"));
        Process own = start(sleepAsNobody.toArray(String[]::new));
        Child.Result allowed = run(asNobody, "relay", "register", "--socket", socket.toString(), "--pid",
                Long.toString(own.pid()), "--signal", "SIGRTMIN+3", "--tree", Long.toString(own.pid()), "--force");
        assertThat(allowed.status()).as(allowed.err()).isZero();
        assertThat(relay("processes").out()).contains(Long.toString(own.pid())).doesNotContain(" " + rootOwned.pid() + " ");
        assertThat(run(asNobody, "relay", "signal", "--socket", socket.toString(), "40").err())
                .contains("only root or uid 0 may change the default signal");
    }

    @Test
    void theCallingShellIsRegisteredOnlyOnceItTrapsTheSignal() throws Exception {
        String upcall = String.join(" ", command(List.of(), "relay", "register", "--socket", socket.toString(),
                "--signal", "SIGRTMIN+2").command());
        // A command after the registration keeps bash from exec'ing the JVM: the shell stays its parent.
        Child.Result untrapped = shell(upcall + "; echo status $?");
        assertThat(untrapped.out()).contains("status 2");
        assertThat(untrapped.err()).contains("(bash) neither handles, blocks nor ignores SIGRTMIN+2",
                "trap '...' RTMIN+2");
        assertThat(relay("processes").out()).contains("(no process is registered)");

        Child.Result trapped = shell("trap 'echo got' RTMIN+2; " + upcall + "; echo status $?");
        assertThat(trapped.out()).contains("registered pid", "(bash) for fork with SIGRTMIN+2", "status 0");
    }

    @Test
    void theDefaultSignalCanBeShownAndSet() throws Exception {
        assertThat(relay("signal").out()).isEqualTo("SIGRTMIN (34)\n");
        assertThat(relay("signal", "SIGRTMIN+4").out()).isEqualTo("SIGRTMIN+4 (38)\n");
        assertThat(relay("signal").out()).isEqualTo("SIGRTMIN+4 (38)\n");
    }

    @Test
    void aClientWithoutARelaySaysHowToStartOne() throws Exception {
        Child.Result r = run(List.of(), "relay", "processes", "--socket", dir.resolve("none.sock").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("no relay serves").contains("upcall relay serve");
    }

    @Test
    void monitorServesTheRelayBesideItsStream() throws Exception {
        Path monitorSocket = dir.resolve("monitor-relay.sock");
        Process monitor = command(List.of(), "monitor", "--relay", "--relay-socket", monitorSocket.toString(), "--json")
                .redirectOutput(dir.resolve("monitor.jsonl").toFile()).redirectError(dir.resolve("monitor.err").toFile()).start();
        started.add(monitor);
        for (int i = 0; i < 100 && !Files.exists(monitorSocket); i++) {
            Thread.sleep(100);
        }
        assertThat(monitorSocket).exists();
        // Waits up to 10 s for its signal (a busy machine delays the relay, never loses the fork unless it says so).
        Process shell = start("bash", "-c", "trap 'echo got; exit 0' RTMIN; read go; /bin/true; "
                + "for i in $(seq 100); do sleep 0.1; done; echo done");
        Child.Result ok = run(List.of(), "relay", "register", "--socket", monitorSocket.toString(), "--pid",
                Long.toString(shell.pid()), "--tree", Long.toString(shell.pid()));
        assertThat(ok.status()).as(ok.err()).isZero();
        shell.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
        shell.getOutputStream().flush();
        assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        monitor.destroy();
        assertThat(monitor.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(monitor.exitValue()).as(Child.text(dir.resolve("monitor.err"))).isZero();
        assertThat(monitorSocket).doesNotExist();
        String stream = Files.readString(dir.resolve("monitor.jsonl"));
        // The shell's fork is in the stream and was relayed; unless the stream reported loss, which may have been it.
        if (!stream.contains("\"type\":\"loss\"")) {
            assertThat(out).contains("got");
            assertThat(stream).contains("\"parent_pid\":" + shell.pid());
        }
    }
}
