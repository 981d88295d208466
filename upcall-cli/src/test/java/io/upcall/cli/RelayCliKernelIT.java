package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
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
        BufferedReader err = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8));
        List<String> said = new ArrayList<>();
        for (String line = err.readLine(); line != null && said.size() < 20; line = err.readLine()) {
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

    private record Result(int status, String out, String err) {}

    private Result run(List<String> prefix, String... args) throws Exception {
        Process p = command(prefix, args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    private static Result shell(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    private Result relay(String... args) throws Exception {
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
        Process shell = start("bash", "-c", "trap 'echo got' RTMIN+2; read go; /bin/true; sleep 0.5; echo done");
        Result refused = relay("register", "--pid", Long.toString(shell.pid()), "--signal", "33");
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err()).contains("signal 33 is reserved by glibc's thread library");

        Result ok = relay("register", "--pid", Long.toString(shell.pid()), "--signal", "SIGRTMIN+2", "--tree",
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
        assertThat(out).contains("got").endsWith("done\n");
        assertThat(relay("processes").out()).contains("(no process is registered)");
    }

    @Test
    void aUserMayRegisterTheirOwnProcessButNotAnotherUsers() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to act as another user");
        List<String> asNobody = List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups");
        Process rootOwned = start("sleep", "60");
        // --force: sleep does not handle the signal; the point here is who may register it.
        Result refused = run(asNobody, "relay", "register", "--socket", socket.toString(), "--pid",
                Long.toString(rootOwned.pid()), "--signal", "SIGRTMIN+3", "--force");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).contains("the relay refused: uid " + NOBODY + " may not register pid " + rootOwned.pid()
                + " (it runs as uid 0): only root or its own user may");

        List<String> sleepAsNobody = new ArrayList<>(asNobody);
        sleepAsNobody.addAll(List.of("sleep", "60"));
        Process own = start(sleepAsNobody.toArray(String[]::new));
        Result allowed = run(asNobody, "relay", "register", "--socket", socket.toString(), "--pid",
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
        Result untrapped = shell(upcall + "; echo status $?");
        assertThat(untrapped.out()).contains("status 2");
        assertThat(untrapped.err()).contains("(bash) neither handles, blocks nor ignores SIGRTMIN+2",
                "trap '...' RTMIN+2");
        assertThat(relay("processes").out()).contains("(no process is registered)");

        Result trapped = shell("trap 'echo got' RTMIN+2; " + upcall + "; echo status $?");
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
        Result r = run(List.of(), "relay", "processes", "--socket", dir.resolve("none.sock").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("no relay serves").contains("upcall relay serve");
    }

    @Test
    void monitorServesTheRelayBesideItsStream() throws Exception {
        Path monitorSocket = dir.resolve("monitor-relay.sock");
        Process monitor = command(List.of(), "monitor", "--relay", "--relay-socket", monitorSocket.toString(), "--json")
                .redirectOutput(dir.resolve("monitor.jsonl").toFile()).start();
        started.add(monitor);
        for (int i = 0; i < 100 && !Files.exists(monitorSocket); i++) {
            Thread.sleep(100);
        }
        assertThat(monitorSocket).exists();
        Process shell = start("bash", "-c", "trap 'echo got' RTMIN; read go; /bin/true; sleep 0.5; echo done");
        Result ok = run(List.of(), "relay", "register", "--socket", monitorSocket.toString(), "--pid",
                Long.toString(shell.pid()), "--tree", Long.toString(shell.pid()));
        assertThat(ok.status()).as(ok.err()).isZero();
        shell.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
        shell.getOutputStream().flush();
        assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("got")
                .endsWith("done\n");
        monitor.destroy();
        assertThat(monitor.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(monitor.exitValue()).isZero();
        assertThat(monitorSocket).doesNotExist();
        assertThat(Files.readString(dir.resolve("monitor.jsonl"))).contains("\"parent_pid\":" + shell.pid());
    }
}
