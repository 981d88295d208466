package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The relay registrations that are almost always mistakes, refused by {@code upcall relay register} before it
 * reaches any relay, each with its reason and exit status 2 (a usage error).
 */
class RelayCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Process sleeper;

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        if (sleeper != null) {
            sleeper.destroyForcibly();
            sleeper.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private int run(String... args) {
        CommandLine cl = Main.commandLine(new ByteArrayOutputStream());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private String socket() {
        return dir.resolve("none.sock").toString(); // no relay: each refusal must come before connecting
    }

    @Test
    void pidZeroWouldMeanTheShortLivedClientItself() {
        assertThat(run("relay", "register", "--socket", socket(), "--pid", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--pid 0 is not a process");
        assertThat(run("relay", "unregister", "--socket", socket(), "--pid", "-3")).isEqualTo(2);
        assertThat(err.toString()).contains("--pid -3 is not a process");
    }

    @Test
    void aTreeOrPidOfNoProcessIsRefused() {
        String self = Long.toString(ProcessHandle.current().pid());
        assertThat(run("relay", "register", "--socket", socket(), "--pid", self, "--tree", "999999999")).isEqualTo(2);
        assertThat(err.toString()).contains("--tree 999999999: no such process");
        assertThat(run("relay", "register", "--socket", socket(), "--pid", "999999999")).isEqualTo(2);
        assertThat(err.toString()).contains("--pid 999999999: no such process");
    }

    @Test
    void signalsThatCannotBeCaughtAreRefused() {
        assertThat(run("relay", "register", "--socket", socket(), "--signal", "KILL")).isEqualTo(2);
        assertThat(err.toString()).contains("signal 9 (SIGKILL) cannot be caught, blocked or ignored");
        assertThat(run("relay", "register", "--socket", socket(), "--signal", "SIGSTOP")).isEqualTo(2);
        assertThat(err.toString()).contains("signal 19 (SIGSTOP) cannot be caught", "would stop");
        assertThat(run("relay", "serve", "--socket", socket(), "--signal", "9")).isEqualTo(2);
        assertThat(run("relay", "signal", "--socket", socket(), "KILL")).isEqualTo(2);
    }

    @Test
    void initIsRefusedUnlessForced() {
        assertThat(run("relay", "register", "--socket", socket(), "--pid", "1", "--signal", "SIGRTMIN+3")).isEqualTo(2);
        assertThat(err.toString()).contains("pid 1 is init", "halt, poweroff and reboot", "--force");
    }

    @Test
    void aProcessThatWouldDieOfTheSignalIsRefusedWithHowToTrapIt() throws Exception {
        sleeper = new ProcessBuilder("sleep", "60").start();
        assertThat(run("relay", "register", "--socket", socket(), "--pid", Long.toString(sleeper.pid()), "--signal",
                "SIGRTMIN+2")).isEqualTo(2);
        assertThat(err.toString()).contains("pid " + sleeper.pid() + " (sleep) neither handles, blocks nor ignores "
                + "SIGRTMIN+2 (36), so the first event relayed to it would end it", "trap '...' RTMIN+2", "--force");
        // Forced, it gets as far as the relay, which is not there.
        assertThat(run("relay", "register", "--socket", socket(), "--pid", Long.toString(sleeper.pid()), "--signal",
                "SIGRTMIN+2", "--force")).isEqualTo(1);
        assertThat(err.toString()).contains("no relay serves");
    }

    @Test
    void aCapOfNoRegistrationsIsAUsageError() {
        assertThat(run("relay", "serve", "--socket", socket(), "--max-per-uid", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--max-per-uid 0: give 1 or more");
    }
}
