package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged command's table as a person sees it, against the kernel: the header at once, lines that fit a
 * terminal, and a process that names itself with escape sequences shown, not obeyed. Needs root and the jar; skips
 * with the reason otherwise.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TerminalKernelIT {
    private static final Path JAR = Path.of("target/upcall.jar");

    private static List<String> command(String... args) throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR.toAbsolutePath());
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString()));
        Process doctor = new ProcessBuilder(cmd).command(concat(cmd, "doctor")).start();
        String why = new String(doctor.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(doctor.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assumeTrue(doctor.exitValue() == 0, "proc connector unavailable here: " + why.strip());
        return concat(cmd, args);
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }

    /** Starts {@code sh -c script} now and then, until {@code p} ends (bounded: {@code times} children). */
    private static Thread makeEvents(Process p, int times, String... argv) {
        return Thread.ofPlatform().start(() -> {
            for (int i = 0; i < times && p.isAlive(); i++) {
                try {
                    new ProcessBuilder(argv).start().waitFor(5, TimeUnit.SECONDS);
                    Thread.sleep(100);
                } catch (Exception e) {
                    return;
                }
            }
        });
    }

    /** Issue 11: on a quiet machine the table looked hung: its header came with the first event. */
    @Test
    void theHeaderComesAsSoonAsTheStreamStarts() throws Exception {
        Process p = new ProcessBuilder(command("procs", "--events", "coredump", "--duration", "60s"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (Exception e) {
                    return null;
                }
            });
            // No coredump happens meanwhile: only the header can be this line.
            assertThat(first.get(30, TimeUnit.SECONDS)).startsWith("Time ").contains("Process");
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Issue 11: lines longer than the terminal wrapped (393 characters on 100 columns); now they are cut, as forkstat's. */
    @Test
    void onATerminalNoLineIsWiderThanIt() throws Exception {
        assumeTrue(new File("/usr/bin/script").canExecute(), "needs script(1) for a pseudo-terminal");
        String upcall = command("procs", "--count", "6").stream().map(a -> "'" + a + "'").collect(Collectors.joining(" "));
        Process p = new ProcessBuilder("/usr/bin/script", "-qec", "stty cols 70 rows 30; exec " + upcall, "/dev/null").start();
        p.getOutputStream().close();
        Thread maker = makeEvents(p, 100, "/bin/sh", "-c", "exit 0", "x".repeat(300));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        maker.join();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> lines = out.replaceAll("\u001b\\[[0-9;]*m", "").replace("\r", "").lines().filter(l -> !l.isEmpty()).toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(7);
        assertThat(lines.getFirst()).startsWith("Time ");
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(70));
    }

    /** Issue 10: {@code exec -a $'\e[2J...'} sets a command line of the process's choosing: it is shown escaped. */
    @Test
    void aProcessNamedWithEscapeSequencesIsShownNotObeyed() throws Exception {
        assumeTrue(new File("/bin/bash").canExecute(), "needs bash for exec -a");
        Process p = new ProcessBuilder(command("procs", "--events", "exec", "--duration", "60s"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread maker = makeEvents(p, 100, "/bin/bash", "-c", "exec -a $'\\e[2J\\e]0;owned\\a' /bin/sleep 0.3");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String seen = null;
        try {
            for (String line = out.readLine(); line != null && seen == null; line = out.readLine()) {
                assertThat(line).doesNotContain("\u001b", "\u0007");
                if (line.contains("owned") && line.contains("\\x1b")) { // not bash's own exec: its script is plain text
                    seen = line;
                }
            }
        } finally {
            p.destroy();
            maker.join();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(seen).contains("\\x1b[2J\\x1b]0;owned\\x07");
    }
}
