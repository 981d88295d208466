package io.upcall.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrnoAndSignalsTest {

    @Test
    void namesErrnosAndSaysWhichCallFailed() {
        LinuxException e = new LinuxException("bind(NETLINK_AUDIT)", Errno.EPERM);
        assertThat(e).hasMessage("bind(NETLINK_AUDIT) failed: EPERM (Operation not permitted)");
        assertThat(e.isPermissionDenied()).isTrue();
        assertThat(e.errnoName()).isEqualTo("EPERM");
        assertThat(Errno.name(ErrnoAndSignalsTest.UNKNOWN)).isEqualTo("errno 4095");
        assertThat(Errno.name(-3)).isEqualTo("errno -3");
    }

    private static final int UNKNOWN = 4095;

    @Test
    void namesSignalsAsKillDoes() {
        assertThat(Signals.name(9)).isEqualTo("SIGKILL");
        assertThat(Signals.name(17)).isEqualTo("SIGCHLD");
        assertThat(Signals.name(31)).isEqualTo("SIGSYS");
        assertThat(Signals.name(32)).isEqualTo("SIG32");
        assertThat(Signals.name(34)).isEqualTo("SIGRTMIN");
        assertThat(Signals.name(36)).isEqualTo("SIGRTMIN+2");
        assertThat(Signals.name(64)).isEqualTo("SIGRTMAX");
    }

    @Test
    void parsesSignalsAsKillAccepts() {
        assertThat(Signals.parse("36")).isEqualTo(36);
        assertThat(Signals.parse("SIGUSR1")).isEqualTo(10);
        assertThat(Signals.parse("usr2")).isEqualTo(12);
        assertThat(Signals.parse("SIGRTMIN")).isEqualTo(34);
        assertThat(Signals.parse("SIGRTMIN+2")).isEqualTo(36);
        assertThat(Signals.parse("rtmax-1")).isEqualTo(63);
        assertThat(Signals.parse("SIGRTMAX")).isEqualTo(64);
        for (String bad : new String[] {"0", "65", "SIGFOO", "SIGRTMIN+31", "SIGRTMAX+1", "", "-3", "99999999999"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Signals.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a signal");
        }
    }
}
