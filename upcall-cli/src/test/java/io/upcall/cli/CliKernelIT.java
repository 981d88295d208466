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

    private static Process upcall(String... args) throws Exception {
        return upcall(null, args);
    }

    /** Starts the jar with {@code args}, its output to {@code out} (or a pipe when null). */
    private static Process upcall(Path out, String... args) throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR.toAbsolutePath());
        Process doctor = command("doctor").start();
        String line = new String(doctor.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        doctor.waitFor(30, TimeUnit.SECONDS);
        assumeTrue(doctor.exitValue() == 0, "proc connector unavailable here: " + line.strip());
        ProcessBuilder pb = command(args).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (out != null) {
            pb.redirectOutput(out.toFile());
        }
        return pb.start();
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
        var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        // Streaming for sure once a line is out: make events until one is (bounded by count and by the test timeout).
        Thread maker = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 100 && p.isAlive(); i++) {
                try {
                    new ProcessBuilder("true").start().waitFor();
                    Thread.sleep(200);
                } catch (Exception e) {
                    return;
                }
            }
        });
        assertThat(lines.readLine()).startsWith("{");
        p.destroy(); // SIGTERM
        maker.join();
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
}
