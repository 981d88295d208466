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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged command, run as a user would ({@code java -jar upcall.jar ...}), against the kernel.
 * Needs root; skips with the reason otherwise.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliKernelIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target/upcall.jar");

    /** Every process a test started: ended after it, whatever its verdict. */
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void endWhatWasStarted() throws InterruptedException {
        for (Process p : started.reversed()) {
            Child.end(p);
        }
    }

    private Process upcall(String... args) throws Exception {
        return upcall(null, args);
    }

    /** Starts the jar with {@code args}, its output to {@code out} (or a pipe when null). */
    private Process upcall(Path out, String... args) throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR.toAbsolutePath());
        Child.Result doctor = Child.run(command("doctor"), 60);
        assumeTrue(doctor.status() == 0, "proc connector unavailable here: " + doctor.out().strip());
        ProcessBuilder pb = command(args);
        if (!List.of(args).contains("trigger")) {
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        if (out != null) {
            pb.redirectOutput(out.toFile());
        }
        return start(pb);
    }

    private Process start(ProcessBuilder pb) throws java.io.IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static ProcessBuilder command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(new File("."));
    }

    @Test
    void procsJsonStopsAfterCountAndPrintsTheContract() throws Exception {
        Process p = upcall("procs", "--json", "--events", "exit", "--count", "2");
        // Give it time to subscribe, then make two exits (bounded: 40 children at most).
        for (int i = 0; i < 40 && p.isAlive(); i++) {
            new ProcessBuilder("sh", "-c", "exit 7").start().waitFor(5, TimeUnit.SECONDS);
            Thread.sleep(250);
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            JsonNode n = JSON.readTree(line);
            assertThat(n.get("source").asText()).isIn("proc", "upcall");
            if (n.get("source").asText().equals("proc")) {
                assertThat(n.get("type").asText()).isEqualTo("exit");
                assertThat(n.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
                assertThat(n.has("exit_code")).isTrue();
            }
        }
    }

    @Test
    void sigtermEndsTheStreamCleanlyWithStatusZero() throws Exception {
        Process p = upcall("monitor", "--json");
        Lines lines = new Lines(p.getInputStream());
        // Streaming for sure once a line is out: make events until one is (bounded by count and by the test timeout).
        Thread maker = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 100 && p.isAlive(); i++) {
                try {
                    new ProcessBuilder("true").start().waitFor(5, TimeUnit.SECONDS);
                    Thread.sleep(200);
                } catch (Exception e) {
                    return;
                }
            }
        });
        assertThat(lines.next(Lines.in(60))).startsWith("{");
        p.destroy(); // SIGTERM
        maker.join(30_000);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void durationEndsTheStream() throws Exception {
        long start = System.nanoTime();
        Path out = Files.createTempFile("upcall-duration", ".txt");
        try {
            Process p = upcall(out, "procs", "--duration", "1s");
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(Files.readString(out)).startsWith("Time ");
        } finally {
            Files.delete(out);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void recordStopsAfterTheMessagesOfCountEventsAndReplaysThem() throws Exception {
        Path capture = Files.createTempFile("upcall-record", ".pcapng");
        try {
            Process record = upcall((Path) null, "record", capture.toString(), "--count", "200");
            // Make events until the recording has stopped (bounded: 300 children); a busy machine needs none.
            for (int i = 0; i < 300 && record.isAlive(); i++) {
                new ProcessBuilder("sh", "-c", "exit 5").start().waitFor(5, TimeUnit.SECONDS);
                Thread.sleep(20);
            }
            assertThat(record.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(record.exitValue()).isZero();

            Child.Result replay = Child.run(command("replay", capture.toString(), "--json"), 60);
            assertThat(replay.status()).as(replay.err()).isZero();
            List<String> replayed = replay.out().lines().toList();
            assertThat(replayed).hasSize(200);
            for (String line : replayed) {
                assertThat(JSON.readTree(line).get("source").asText()).isIn("proc", "upcall");
            }

            // Classic pcap, as editcap -F pcap (or an nlmon capture) makes it, replays to the same events, to the microsecond.
            if (new File("/usr/bin/editcap").canExecute()) {
                Path pcap = Files.createTempFile("upcall-record", ".pcap");
                try {
                    Child.Result editcap = Child.run(new ProcessBuilder("editcap", "-F", "pcap", capture.toString(),
                            pcap.toString()), 60);
                    assertThat(editcap.status()).as(editcap.err()).isZero();
                    Child.Result classic = Child.run(command("replay", pcap.toString(), "--json"), 60);
                    assertThat(classic.out().lines().map(CliKernelIT::withoutTime).toList())
                            .isEqualTo(replayed.stream().map(CliKernelIT::withoutTime).toList());
                } finally {
                    Files.deleteIfExists(pcap);
                }
            }
            // tshark (when installed) reads the file as netlink packets.
            if (new File("/usr/bin/tshark").canExecute()) {
                Child.Result tshark = Child.run(new ProcessBuilder("tshark", "-r", capture.toString()), 60);
                assertThat(tshark.status()).as(tshark.err()).isZero();
                assertThat(tshark.out()).contains("Netlink");
            }
        } finally {
            Files.deleteIfExists(capture);
        }
    }

    @Test
    void recordThenReplayGivesTheEventsProcsGives() throws Exception {
        Path capture = Files.createTempFile("upcall-record", ".pcapng");
        Path live = Files.createTempFile("upcall-live", ".jsonl");
        try {
            Process record = upcall((Path) null, "record", capture.toString());
            Process procs = upcall(live, "procs", "--json", "--no-process", "--events", "exec,exit");
            // Both listen once the live stream shows an event (record started first); bounded: 100 children.
            for (int i = 0; i < 100 && Files.size(live) == 0; i++) {
                new ProcessBuilder("/bin/true").start().waitFor(5, TimeUnit.SECONDS);
                Thread.sleep(100);
            }
            assertThat(Files.size(live)).as("procs --json printed an event").isPositive();
            Thread.sleep(1000); // a margin for the recorder, which says nothing until it ends
            // This test's children, told apart from whatever else the machine runs by their parent and status.
            for (int i = 0; i < 30; i++) {
                new ProcessBuilder("sh", "-c", "exit 5").start().waitFor(5, TimeUnit.SECONDS);
                Thread.sleep(20);
            }
            Thread.sleep(500);
            record.destroy(); // SIGTERM: the recording ends cleanly
            procs.destroy();
            assertThat(record.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(procs.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(record.exitValue()).isZero();

            Child.Result replay = Child.run(command("replay", capture.toString(), "--json", "--events", "exec,exit"), 120);
            assertThat(replay.status()).as(replay.err()).isZero();
            String ours = "\"status\":5,";
            String parent = "\"parent_tgid\":" + ProcessHandle.current().pid() + "}";
            List<String> liveExits = Files.readAllLines(live).stream().filter(l -> l.contains(ours) && l.endsWith(parent))
                    .map(CliKernelIT::withoutTime).toList();
            List<String> replayedExits = replay.out().lines().filter(l -> l.contains(ours) && l.endsWith(parent))
                    .map(CliKernelIT::withoutTime).toList();
            // Field for field but time, the recording's exits of these children are the live listener's; all 30 are in
            // both, unless either stream reported loss (other load can overflow a buffer), which it then says.
            boolean lossReported = Files.readString(live).contains("\"type\":\"loss\"")
                    || replay.out().contains("\"type\":\"loss\"");
            List<String> inBoth = replayedExits.stream().filter(liveExits::contains).toList();
            assertThat(inBoth).as("exits in both streams").hasSizeGreaterThanOrEqualTo(lossReported ? 1 : 30);
            if (!lossReported) {
                assertThat(replayedExits).containsExactlyInAnyOrderElementsOf(liveExits);
            }
        } finally {
            Files.deleteIfExists(capture);
            Files.deleteIfExists(live);
        }
    }

    private static String withoutTime(String line) {
        return line.replaceFirst("\"time\":\"[^\"]*\",", "");
    }

    @Test
    void aCorruptCaptureIsAClearErrorNotAStackTrace() throws Exception {
        Path bad = Files.createTempFile("upcall-bad", ".pcapng");
        try {
            Files.writeString(bad, "this is not a capture");
            Child.Result replay = Child.run(command("replay", bad.toString()), 60);
            assertThat(replay.status()).isEqualTo(1);
            assertThat(replay.err()).contains("not a pcap or pcapng file").doesNotContain("Exception").doesNotContain("\tat ");
        } finally {
            Files.deleteIfExists(bad);
        }
    }

    @Test
    void aBadRulesFileStopsTheJarAtStartWithItsLine() throws Exception {
        Path rules = Files.createTempFile("upcall-rules", ".yaml");
        try {
            Files.writeString(rules, "rules:\n  - match: {action: plug}\n    run: /bin/true\n");
            Child.Result p = Child.run(command("devices", "--rules", rules.toString()), 60);
            assertThat(p.status()).isEqualTo(2);
            assertThat(p.err()).contains(rules + ", line 2: unknown action 'plug'").doesNotContain("Exception").doesNotContain("\tat ");
        } finally {
            Files.deleteIfExists(rules);
        }
    }

    /** Its uevents reach every listener on the host: a {@code change} of {@code lo}, which no one acts on. */
    @Test
    void devicesRulesRunAProgramAndPrintItsOutcome() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/sys/class/net/lo/uevent")), "needs root to write uevent files");
        String uuid = java.util.UUID.randomUUID().toString();
        Path rules = Files.createTempFile("upcall-rules", ".yaml");
        try {
            Files.writeString(rules, "rules:\n  - name: lo\n    match:\n      subsystem: net\n      env: {SYNTH_UUID: \"" + uuid
                    + "\"}\n    run: [/bin/sh, -c, 'exit 4']\n");
            Process p = upcall("devices", "--json", "--rules", rules.toString(), "--duration", "20s");
            Lines lines = new Lines(p.getInputStream());
            JsonNode outcome = null;
            // Trigger until the listener has subscribed and the rule ran (bounded: 40 writes, and the test timeout).
            Thread trigger = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 40 && p.isAlive(); i++) {
                    try {
                        Files.writeString(Path.of("/sys/class/net/lo/uevent"), "change " + uuid);
                        Thread.sleep(250);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            long deadline = Lines.in(60);
            for (String line = lines.next(deadline); line != null && outcome == null; line = lines.next(deadline)) {
                JsonNode n = JSON.readTree(line);
                if (n.get("type").asText().equals("action")) {
                    outcome = n;
                }
            }
            p.destroy();
            trigger.join(30_000);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(outcome).isNotNull();
            assertThat(outcome.get("source").asText()).isEqualTo("upcall");
            assertThat(outcome.get("rule_name").asText()).isEqualTo("lo");
            assertThat(outcome.get("exit_status").asInt()).isEqualTo(4);
            assertThat(outcome.get("argv").toString()).isEqualTo("[\"/bin/sh\",\"-c\",\"exit 4\"]");
            assertThat(outcome.get("devpath").asText()).isEqualTo("/devices/virtual/net/lo");
        } finally {
            Files.deleteIfExists(rules);
        }
    }

    /**
     * Its uevent reaches every listener on the host, so it is a {@code change} of {@code lo} alone: not of every network
     * device, which network managers do act on.
     */
    @Test
    void triggerSettlesOnceItsUeventsCameBack() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/sys/class/net/lo/uevent")), "needs root to write uevent files");
        assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR.toAbsolutePath());
        Child.Result trigger = Child.run(command("devices", "trigger", "--subsystem", "net", "--sysname", "lo", "--action",
                "change", "--settle", "--timeout", "20s"), 90);
        assertThat(trigger.status()).as(trigger.err()).isZero();
        assertThat(trigger.err()).contains("triggered change on 1 devices", "all seen again");
    }
}
