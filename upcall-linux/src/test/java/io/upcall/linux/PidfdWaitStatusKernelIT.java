package io.upcall.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A child's wait status through its pidfd (Linux 6.15+): what tells {@code exit(143)} from death by SIGTERM, which
 * {@link Process#exitValue()} reports alike. Needs no privilege; skips on older kernels, saying so.
 */
@Timeout(30)
class PidfdWaitStatusKernelIT {

    /** The first downcall links every handle (a few hundred ms): not while a short-lived child runs. */
    @BeforeAll
    static void linkTheDowncalls() throws LinuxException {
        Pidfd.open(NetlinkSocket.getpid()).close();
    }

    /** Runs {@code sh -c script} to its end and returns its wait status as the pidfd gives it. */
    private static OptionalInt waitStatusOf(String script) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).start();
        try (Pidfd pidfd = Pidfd.open((int) p.pid())) {
            assertThat(pidfd.waitStatus()).as("not known while it runs").isEmpty();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            return pidfd.waitStatus();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void tellsAnExitOf143FromDeathBySigterm() throws Exception {
        OptionalInt exited = waitStatusOf("sleep 0.5; exit 143");
        assumeTrue(exited.isPresent(), "this kernel has no PIDFD_INFO_EXIT (Linux 6.15+): " + System.getProperty("os.version"));
        assertThat(exited.getAsInt()).as("WIFEXITED, WEXITSTATUS 143").isEqualTo(143 << 8);
        OptionalInt killed = waitStatusOf("sleep 0.5; kill -TERM $$; sleep 5");
        assertThat(killed).as("WIFSIGNALED, WTERMSIG 15").hasValue(Signals.SIGTERM);
    }
}
