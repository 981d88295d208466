package io.upcall.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code PIDFD_GET_INFO} through {@link Pidfd#info()}: who a live process is, and what is left once it is reaped. */
@Timeout(30)
class PidfdInfoKernelIT {

    @Test
    void aLiveProcessThenWhatItsPidfdKeepsAfterItsEnd() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "read x; exit 3").start();
        try (Pidfd pidfd = Pidfd.open((int) p.pid())) {
            Optional<Pidfd.Info> live = pidfd.info();
            assumeTrue(live.isPresent(), "PIDFD_GET_INFO needs Linux 6.13+");
            assertThat(live.get().pid()).isEqualTo((int) p.pid());
            assertThat(live.get().ppid()).isEqualTo((int) ProcessHandle.current().pid());
            assertThat(live.get().ruid()).isEqualTo(Native.getuid());
            assertThat(live.get().exited()).isFalse();
            p.getOutputStream().close();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue(); // reaped by the JVM
            Pidfd.Info gone = pidfd.info().orElseThrow();
            assertThat(gone.exited()).isTrue();
            assertThat(gone.pid()).isEqualTo(-1);
            assertThat(gone.exitCode()).as("the wait status, Linux 6.15+").isIn(-1, 3 << 8);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void anAdoptedPidfdIsClosedOnce() throws Exception {
        Pidfd opened = Pidfd.open((int) ProcessHandle.current().pid());
        Pidfd adopted = Pidfd.adopt(dup(opened), (int) ProcessHandle.current().pid());
        adopted.close();
        adopted.close();
        assertThat(adopted.info()).isEmpty();
        assertThat(opened.info()).isPresent();
        opened.close();
    }

    /** A raw pidfd for the same process, as fanotify would hand one over. */
    private static int dup(Pidfd p) {
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            int fd = Native.pidfdOpen(Native.allocateErrno(a), p.pid(), 0);
            assertThat(fd).isNotNegative();
            return fd;
        }
    }
}
