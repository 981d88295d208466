package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
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

/**
 * {@code upcall guard} as a separate process on a temporary directory only: the acceptance of issue 13 (deny-exec),
 * the guard's death releasing a blocked opener, and the refusal for a user who is not root. Needs root; skips
 * otherwise. Every guard started here is killed after its test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GuardCliKernelIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target/upcall.jar");

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void needsRootAndTheJar() throws IOException {
        assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR.toAbsolutePath());
        assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"), "needs root (CAP_SYS_ADMIN)");
    }

    @AfterEach
    void killWhatWasStarted() throws InterruptedException {
        for (Process p : started.reversed()) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> java() {
        return List.of(ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-jar", JAR.toString());
    }

    /** Starts {@code upcall guard args}, output in files beside the temp dir; returns once its marks are in place. */
    private Process guard(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(java());
        cmd.add("guard");
        cmd.addAll(List.of(args));
        Process p = Child.start(new ProcessBuilder(cmd).directory(new File(".")), dir.resolveSibling(dir.getFileName() + "-guard"));
        started.add(p);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!hasMarks(p.pid())) {
            assertThat(p.isAlive()).as("the guard runs: %s", Child.text(errOf())).isTrue();
            assertThat(System.nanoTime()).as("the guard marked within 60 s").isLessThan(end);
            Thread.sleep(50);
        }
        return p;
    }

    private Path outOf() {
        return Path.of(dir.resolveSibling(dir.getFileName() + "-guard") + ".out");
    }

    private Path errOf() {
        return Path.of(dir.resolveSibling(dir.getFileName() + "-guard") + ".err");
    }

    /** True once process {@code pid} holds a fanotify group with a mark on this test's directory. */
    private boolean hasMarks(long pid) throws IOException {
        String ino = "fanotify ino:" + Long.toHexString((Long) Files.getAttribute(dir, "unix:ino")) + " ";
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fdinfo"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readAllLines(fd).stream().anyMatch(l -> l.startsWith(ino))) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            return false; // not yet, or gone
        }
        return false;
    }

    private Path copyOfTrue(String name) throws IOException {
        Path copy = Files.copy(Path.of("/bin/true"), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        return copy;
    }

    @Test
    void denyExecStopsEvilWhileGoodRunsAndBothAreEvents() throws Exception {
        Path evil = copyOfTrue("evil");
        Path good = copyOfTrue("good");
        Process g = guard(dir.toString(), "--deny-exec", "*/evil", "--json", "--count", "3");
        Child.Result denied = Child.run(new ProcessBuilder("sh", "-c", "exec " + evil), 30);
        assertThat(denied.status()).as(denied.err()).isEqualTo(126);
        assertThat(denied.err()).contains("Operation not permitted");
        assertThat(Child.run(new ProcessBuilder(good.toString()), 30).status()).isZero();
        // Three events: exec evil (deny), then exec and open of good (allow); --count 3 ends the guard.
        assertThat(g.waitFor(30, TimeUnit.SECONDS)).as(Child.text(errOf())).isTrue();
        assertThat(g.exitValue()).as(Child.text(errOf())).isZero();
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(outOf())) {
            events.add(JSON.readTree(line));
        }
        assertThat(events).hasSize(3).allSatisfy(e -> assertThat(e.get("source").asText()).isEqualTo("access"));
        JsonNode first = events.getFirst();
        assertThat(first.get("type").asText()).isEqualTo("exec");
        assertThat(first.get("verdict").asText()).isEqualTo("deny");
        assertThat(first.get("rule").asText()).isEqualTo("deny-exec */evil");
        assertThat(first.get("path").asText()).isEqualTo(evil.toRealPath().toString());
        assertThat(first.get("timed_out").asBoolean()).isFalse();
        assertThat(first.get("latency_us").asLong()).isNotNegative();
        assertThat(events.subList(1, 3)).allSatisfy(e -> {
            assertThat(e.get("verdict").asText()).isEqualTo("allow");
            assertThat(e.get("path").asText()).isEqualTo(good.toRealPath().toString());
        });
        assertThat(events.subList(1, 3)).extracting(e -> e.get("type").asText()).containsExactlyInAnyOrder("exec", "open");
    }

    @Test
    void killingTheGuardReleasesAnOpenerItHeldBack() throws Exception {
        Path file = Files.writeString(dir.resolve("held"), "h");
        // Deny everything, and a deadline (10 min) far past this test's own timeout: only the kernel can release it.
        Process g = guard(dir.toString(), "--deny-open", "*", "--default", "deny", "--deadline", "600000",
                "--on-timeout", "deny");
        // Held back on purpose: a stopped guard reads nothing and answers nothing.
        assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(g.pid())).start().waitFor()).isZero();
        Process opener = new ProcessBuilder("cat", file.toString()).redirectErrorStream(true).start();
        started.add(opener);
        assertThat(opener.waitFor(1, TimeUnit.SECONDS)).as("cat waits in open() for the stopped guard").isFalse();
        assertThat(Files.readString(Path.of("/proc/" + opener.pid() + "/wchan"))).as("where cat waits")
                .contains("fanotify");
        long killed = System.nanoTime();
        g.destroyForcibly(); // SIGKILL
        assertThat(opener.waitFor(5, TimeUnit.SECONDS)).as("the open returned once the guard died").isTrue();
        long millis = (System.nanoTime() - killed) / 1_000_000;
        assertThat(millis).as("ms from SIGKILL to cat's exit").isLessThan(1_000);
        // The kernel allowed it: pending events of a dead group are allowed, whatever the guard would have said.
        assertThat(opener.exitValue()).isZero();
        assertThat(new String(opener.getInputStream().readAllBytes())).isEqualTo("h");
    }

    @Test
    void aUserWhoIsNotRootIsRefused() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to act as another user");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.copy(JAR, dir.resolve("upcall.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        cmd.addAll(java().subList(0, java().size() - 1));
        cmd.addAll(List.of(jar.toString(), "guard", dir.toString(), "--deny-open", "*"));
        Child.Result r = Child.run(new ProcessBuilder(cmd).directory(dir.toFile()), 60);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("upcall: guard needs root (CAP_SYS_ADMIN)").doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }
}
