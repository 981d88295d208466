package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to its end within a time limit, its output in files: reading a pipe to its end first (as
 * {@code readAllBytes()} before {@code waitFor}) blocks for as long as the child lives, past any test timeout.
 */
final class Child {
    private Child() {}

    /** What a command printed, and how it ended. */
    record Result(int status, String out, String err) {}

    /** Runs {@code command}; fails the test, after killing the command, when it takes longer than {@code seconds}. */
    static Result run(ProcessBuilder command, int seconds) throws Exception {
        File out = Files.createTempFile("upcall-test", ".out").toFile();
        File err = Files.createTempFile("upcall-test", ".err").toFile();
        try {
            Process p = command.redirectOutput(out).redirectError(err).start();
            boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(ended).as("%s ended within %d s; it printed: %s", command.command(), seconds,
                    Files.readString(err.toPath())).isTrue();
            return new Result(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
        } finally {
            Files.deleteIfExists(out.toPath());
            Files.deleteIfExists(err.toPath());
        }
    }

    /** Starts {@code command} with its output in {@code name}.out and {@code name}.err. */
    static Process start(ProcessBuilder command, Path name) throws java.io.IOException {
        return command.redirectOutput(Path.of(name + ".out").toFile()).redirectError(Path.of(name + ".err").toFile()).start();
    }

    /** Ends {@code p} (SIGTERM, then SIGKILL after 10 s) and waits for it; for clean-up after a test. */
    static void end(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** {@code path}'s text, or nothing when it does not exist (yet). */
    static String text(Path path) throws java.io.IOException {
        return Files.exists(path) ? Files.readString(path) : "";
    }
}
