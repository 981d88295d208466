package io.upcall.core.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The small C programs some kernel tests run (src/test/c, examples/), built with the system's C compiler, and
 * the processes they start, ended by pid when the test is done.
 */
final class TestPrograms implements AutoCloseable {
    static final int NOBODY = 65534;
    private static final Path SOURCES = Path.of("src", "test", "c");

    private final Path dir;
    private final List<Process> started = new ArrayList<>();

    /** @param dir where the programs are built */
    TestPrograms(Path dir) {
        this.dir = dir;
    }

    /** Builds {@code src/test/c/NAME.c} (or, given a path, that file), or skips when there is no C compiler. */
    Path build(String name) throws Exception {
        Path source = name.endsWith(".c") ? Path.of(name) : SOURCES.resolve(name + ".c");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/cc")), "no C compiler at /usr/bin/cc to build " + source);
        String base = source.getFileName().toString().replaceFirst("\\.c$", "");
        Path binary = dir.resolve(base);
        Process cc = new ProcessBuilder("cc", "-O2", "-Wall", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).start();
        String output = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cc.exitValue()).as("cc said: %s", output).isZero();
        return binary;
    }

    /** Starts {@code command}; it is ended (SIGKILL, then reaped) when this closes. */
    Process start(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).start();
        started.add(p);
        return p;
    }

    /** As {@link #start}, as user nobody (setpriv), or skips when setpriv is missing. */
    Process startAsNobody(List<String> command) throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to act as another user");
        List<String> all = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        all.addAll(command);
        return start(all);
    }

    /** Reads one line of {@code p}'s output (the reader must be kept: it buffers). */
    static BufferedReader output(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Writes one line to {@code p}'s standard input. */
    static void tell(Process p, String line) throws IOException {
        p.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            for (java.io.Closeable stream : List.of(p.getOutputStream(), p.getInputStream(), p.getErrorStream())) {
                try {
                    stream.close();
                } catch (IOException e) {
                    // Already closed with the process.
                }
            }
        }
        started.clear();
    }
}
