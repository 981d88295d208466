package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a stream ends and what it says on the way, with the packaged jar against the kernel (issue 11, items 2-4):
 * signals that arrive twice, a recording that must reach the disk, a disk that fills, and process context that must
 * be true. Needs root; skips with the reason otherwise.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamLifecycleKernelIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every jar this test started: ended after each test, whatever its verdict. */
    private static final List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final Path JAR = Path.of("target/upcall.jar");
    private static final Pattern RECORDED = Pattern.compile("recorded (\\d+) messages \\((\\d+) events\\)");

    private static ProcessBuilder upcall(String... args) {
        assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR.toAbsolutePath());
        assumeTrue(Files.isWritable(Path.of("/sys/class/net/lo/uevent")), "needs root");
        // A JVM never handles a signal that was ignored when it started, and a test run from a background job or nohup
        // passes SIGINT or SIGHUP on ignored: restore them, as bin/upcall does.
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT,TERM,HUP",
                ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED", "-jar",
                JAR.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(new File("."));
    }

    /** Starts {@code pb} and remembers the process, so that a failed test leaves nothing running. */
    private static Process started(ProcessBuilder pb) throws java.io.IOException {
        Process p = pb.start();
        STARTED.add(p);
        return p;
    }

    @org.junit.jupiter.api.AfterEach
    void endWhatThisTestStarted() throws InterruptedException {
        for (Process p : STARTED) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        STARTED.clear();
    }

    /** Children of this JVM, so that every stream has something to show; bounded by count. */
    private static void makeEvents(int children) throws Exception {
        for (int i = 0; i < children; i++) {
            new ProcessBuilder("/bin/true").start().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void signal(Process p, String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
    }

    @Test
    void aRecordingReachesTheDiskEverySecondAndTwoSigintsStillEndItCleanly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.pcapng");
        Path err = dir.resolve("err.txt");
        Process record = started(upcall("record", file.toString()).redirectError(err.toFile()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // Events keep coming; within about a second of the first, the file grows past its headers though nothing
        // asked it to flush (it stayed at 0 bytes for 4 s before).
        long size = 0;
        while (record.isAlive() && System.nanoTime() < deadline && size < 1000) {
            makeEvents(5);
            Thread.sleep(200);
            size = Files.exists(file) ? Files.size(file) : 0;
        }
        assertThat(size).as("bytes on disk while recording").isGreaterThanOrEqualTo(1000);
        signal(record, "INT");
        signal(record, "INT"); // as timeout -s INT and a terminal's Ctrl-C both do: the group gets it, often twice
        assertThat(record.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String said = Files.readString(err);
        assertThat(record.exitValue()).as(said).isZero();
        Matcher m = RECORDED.matcher(said);
        assertThat(m.find()).as(said).isTrue();
        Process replay = started(upcall("replay", "--json", file.toString()));
        List<String> lines = new String(replay.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(replay.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(replay.exitValue()).isZero();
        assertThat((long) lines.size()).isEqualTo(Long.parseLong(m.group(2)));
    }

    @Test
    void aFullDiskStopsTheRecordingAtOnceWithTheReasonAndAnHonestCount(@TempDir Path dir) throws Exception {
        Path mount = Files.createDirectory(dir.resolve("small"));
        Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        assumeTrue(mounting.waitFor(10, TimeUnit.SECONDS) && mounting.exitValue() == 0, "cannot mount a tmpfs here");
        try {
            Path file = mount.resolve("r.pcapng");
            Path err = dir.resolve("err.txt");
            Process record = started(upcall("record", file.toString(), "--duration", "60s").redirectError(err.toFile()));
            for (int i = 0; i < 400 && record.isAlive(); i++) {
                makeEvents(5);
            }
            assertThat(record.waitFor(30, TimeUnit.SECONDS)).as("stopped by the full disk, not by the test").isTrue();
            String said = Files.readString(err);
            assertThat(record.exitValue()).as(said).isEqualTo(1);
            assertThat(said).contains("cannot write " + file, "No space left on device");
            Matcher m = Pattern.compile("holds the first (\\d+) messages \\((\\d+) events\\)").matcher(said);
            assertThat(m.find()).as(said).isTrue();
            Process replay = started(upcall("replay", "--json", file.toString()));
            long replayed = new String(replay.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().count();
            replay.waitFor(30, TimeUnit.SECONDS);
            assertThat(Long.parseLong(m.group(2))).as("events claimed").isLessThanOrEqualTo(replayed);
        } finally {
            endWhatThisTestStarted(); // a recorder still writing there would keep the mount busy
            new ProcessBuilder("umount", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The tree root: a shell that waits until the stream has subscribed, then does what the test needs. */
    private static List<JsonNode> treeEvents(String script, Path dir) throws Exception {
        Path out = dir.resolve("out.jsonl");
        Path go = dir.resolve("go");
        Process root = started(new ProcessBuilder("bash", "-c", "for i in $(seq 600); do [ -e " + go + " ] && break; "
                + "sleep 0.05; done; " + script + "; sleep 1"));
        Process procs = started(upcall("procs", "--json", "--tree", Long.toString(root.pid()), "--duration", "60s")
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT));
        try {
            assertThat(awaitSubscribed(procs)).as("procs subscribed to the proc connector").isTrue();
            Files.createFile(go);
            assertThat(root.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            procs.destroy();
        }
        assertThat(procs.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            events.add(JSON.readTree(line));
        }
        return events;
    }

    /**
     * Whether {@code p} holds a NETLINK_CONNECTOR socket bound to a group (in {@code /proc/net/netlink}), within 60 s: a
     * busy machine can take seconds to start a JVM, and events before the subscription are not the stream's.
     */
    private static boolean awaitSubscribed(Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && System.nanoTime() < deadline) {
            java.util.Set<String> inodes = new java.util.HashSet<>();
            for (String line : Files.readAllLines(Path.of("/proc/net/netlink")).stream().skip(1).toList()) {
                String[] f = line.trim().split("\\s+"); // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
                if (f.length >= 10 && f[1].equals("11") && !f[3].equals("00000000")) {
                    inodes.add("socket:[" + f[9] + "]");
                }
            }
            try (var fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
                if (fds.anyMatch(fd -> {
                    try {
                        return inodes.contains(Files.readSymbolicLink(fd).toString());
                    } catch (java.io.IOException e) {
                        return false;
                    }
                })) {
                    Thread.sleep(300); // bound, then subscribed a moment later: the kernel sends from then on
                    return true;
                }
            } catch (java.io.IOException e) {
                return false;
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Test
    void aForksContextIsTheParentAsItWasAtTheFork(@TempDir Path dir) throws Exception {
        // The child execs at once: read late, its /proc would show the new program on the fork row.
        List<JsonNode> events = treeEvents("/bin/sleep 0.3", dir);
        List<JsonNode> forks = events.stream().filter(e -> e.get("type").asText().equals("fork")
                && !e.get("thread").asBoolean()).toList();
        assertThat(forks).isNotEmpty().allSatisfy(f -> {
            JsonNode process = f.get("process");
            if (process != null && !process.get("cmdline").isNull()) {
                assertThat(process.get("cmdline").asText()).startsWith("bash -c for i in");
            }
        });
        assertThat(events).anySatisfy(e -> assertThat(e.get("type").asText()).isEqualTo("exec"));
    }

    @Test
    void aTreeKeepsADescendantWhoseParentExited(@TempDir Path dir) throws Exception {
        // The subshell's parent (sh) exits at once; the subshell, reparented, still runs /bin/echo in the tree.
        List<JsonNode> events = treeEvents("sh -c '(sleep 0.5; /bin/echo x > /dev/null) & exit 0'; sleep 1", dir);
        // Its exit names init (or a subreaper) as parent: the process it was forked by had exited before.
        JsonNode echoExit = events.stream().filter(e -> e.get("type").asText().equals("exit")
                && e.path("process").path("comm").asText().equals("echo")).findFirst().orElse(null);
        assertThat(echoExit).as("the echo's exit in the tree: %s", events).isNotNull();
        assertThat(echoExit.get("parent_tgid").asInt()).isNotEqualTo(echoExit.path("process").path("ppid").asInt());
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("type").asText()).isEqualTo("exec");
            assertThat(e.path("process").path("comm").asText()).isEqualTo("echo");
        });
    }

    @Test
    void sighupEndsTheRelayLikeSigtermAndRemovesItsSocket(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("relay.sock");
        Path err = dir.resolve("err.txt");
        Process relay = started(upcall("relay", "serve", "--socket", socket.toString()).redirectError(err.toFile()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (relay.isAlive() && !Files.exists(socket) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(socket).as(Files.readString(err)).exists();
        signal(relay, "HUP"); // a closed terminal, or a service manager's reload: end cleanly, not die
        assertThat(relay.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(relay.exitValue()).as(Files.readString(err)).isZero();
        assertThat(socket).doesNotExist();
    }
}
