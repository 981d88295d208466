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

/** {@code upcall acct}, the packaged command as a user runs it, against the kernel; {@code doctor}'s acct line. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AcctCliKernelIT {
    private static final Path JAR = Path.of("target/upcall.jar");
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void endWhatWasStarted() throws InterruptedException {
        for (Process p : started.reversed()) {
            Child.end(p);
        }
    }

    private static ProcessBuilder command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(new File("."));
    }

    private static String doctorLine() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR.toAbsolutePath());
        Child.Result doctor = Child.run(command("doctor"), 60);
        return doctor.out().lines().filter(l -> l.startsWith("acct ")).findFirst().orElse("");
    }

    @Test
    void doctorSaysWhetherDelayAccountingIsOn() throws Exception {
        String line = doctorLine();
        assertThat(line).contains("kernel.task_delayacct");
    }

    @Test
    void jsonRecordsOfOneCommandWithTheirExitCode() throws Exception {
        assumeTrue(doctorLine().contains(" available "), "taskstats unavailable here");
        Process p = command("acct", "--json", "--comm", "sh", "--count", "1").redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        started.add(p);
        long self = ProcessHandle.current().pid();
        for (int i = 0; i < 40 && p.isAlive(); i++) {
            new ProcessBuilder("sh", "-c", "exit 9").start().waitFor(5, TimeUnit.SECONDS);
            Thread.sleep(250);
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode e = new ObjectMapper().readTree(lines.getFirst());
        assertThat(e.get("source").asText()).isEqualTo("acct");
        assertThat(e.get("type").asText()).isEqualTo("exit");
        assertThat(e.get("comm").asText()).isEqualTo("sh");
        // Another sh on the machine may end first; ours exits 9 with this JVM as its parent.
        if (e.get("ppid").asLong() == self) {
            assertThat(e.get("exit_code").asInt()).isEqualTo(9);
        }
        assertThat(e.get("delays").get("cpu").has("total_ns")).isTrue();
    }

    @Test
    void jobsOnlyPrintsOneRecordPerSessionAndNoExitRecord() throws Exception {
        assumeTrue(doctorLine().contains(" available "), "taskstats unavailable here");
        Process p = command("acct", "--jobs-only", "--json", "--comm", "sh", "--duration", "8s")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        started.add(p);
        Thread.sleep(2000); // listening (the JVM's start)
        Process s = new ProcessBuilder("setsid", "sh", "-c", "echo $$; /bin/true; /bin/true; /bin/true")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(s);
        String sid = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(s.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
            lines.add(json.readTree(line));
        }
        assertThat(lines).allMatch(e -> e.get("type").asText().equals("job") || e.get("type").asText().equals("loss"));
        List<JsonNode> ours = lines.stream().filter(e -> e.path("session").asText().equals(sid)).toList();
        assertThat(ours).as("the session's job: %s", lines).hasSize(1);
        assertThat(ours.getFirst().get("name").asText()).isEqualTo("sh");
        if (lines.stream().noneMatch(e -> e.get("type").asText().equals("loss"))) {
            assertThat(ours.getFirst().get("processes").asInt()).isEqualTo(4);
        }
    }
}
