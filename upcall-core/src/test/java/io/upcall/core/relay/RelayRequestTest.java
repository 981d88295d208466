package io.upcall.core.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upcall.core.proc.ProcEventType;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RelayRequestTest {

    @Test
    void parsesARegistrationWithEveryArgument() {
        RelayRequest r = RelayRequest.parse("register pid=812 signal=SIGRTMIN+2 events=fork,exit tree=700 threads");
        assertThat(r.command()).isEqualTo(RelayRequest.Command.REGISTER);
        assertThat(r.pid()).isEqualTo(812);
        assertThat(r.signal()).isEqualTo(36);
        assertThat(r.filter()).isEqualTo(new RelayFilter(Set.of(ProcEventType.FORK, ProcEventType.EXIT), true, 700));
        assertThat(r.filter()).hasToString("fork,exit tree=700 threads");
    }

    @Test
    void defaultsToTheCallerForksAndNoSignal() {
        RelayRequest r = RelayRequest.parse("register\n");
        assertThat(r.pid()).isEqualTo(RelayRequest.SELF);
        assertThat(r.signal()).isZero();
        assertThat(r.filter()).isEqualTo(RelayFilter.forks());
    }

    @Test
    void whatTheClientSendsParsesBackToTheSameRequest() {
        for (String line : new String[] {"register pid=5 signal=40 events=exec,exit tree=9 threads force",
                "register events=fork",
                "unregister pid=77", "unregister", "processes", "signal", "signal 36"}) {
            assertThat(RelayRequest.parse(line).toLine()).isEqualTo(line);
        }
    }

    @Test
    void saysWhatIsWrongWithABadRequest() {
        assertThatThrownBy(() -> RelayRequest.parse("fork")).hasMessageContaining("unknown command 'fork'");
        assertThatThrownBy(() -> RelayRequest.parse("")).hasMessageContaining("unknown command ''");
        assertThatThrownBy(() -> RelayRequest.parse("register pid=-1")).hasMessageContaining("'-1' is not a pid");
        assertThatThrownBy(() -> RelayRequest.parse("register pid=x")).hasMessageContaining("'x' is not a pid");
        assertThatThrownBy(() -> RelayRequest.parse("register signal=99")).hasMessageContaining("is not a signal");
        assertThatThrownBy(() -> RelayRequest.parse("register events=uid"))
                .hasMessageContaining("the relay sends fork, exec and exit, not uid");
        assertThatThrownBy(() -> RelayRequest.parse("register events=")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RelayRequest.parse("register threads=1")).hasMessageContaining("'threads=1'");
        assertThatThrownBy(() -> RelayRequest.parse("register force=yes")).hasMessageContaining("'force=yes'");
        assertThatThrownBy(() -> RelayRequest.parse("unregister force")).hasMessageContaining("not an argument of unregister");
        assertThatThrownBy(() -> RelayRequest.parse("unregister tree=3")).hasMessageContaining("not an argument of unregister");
        assertThatThrownBy(() -> RelayRequest.parse("processes pid=3")).hasMessageContaining("not an argument of processes");
        assertThatThrownBy(() -> RelayRequest.parse("signal 34 35")).hasMessageContaining("not an argument of signal");
    }

    @Test
    void forceIsAWordOfItsOwn() {
        assertThat(RelayRequest.parse("register pid=1 force").force()).isTrue();
        assertThat(RelayRequest.parse("register pid=1").force()).isFalse();
    }

    @Test
    void refusesSignalsThatCannotBeCaught() {
        assertThatThrownBy(() -> Relay.checkSignal(9)).hasMessageContaining("SIGKILL) cannot be caught");
        assertThatThrownBy(() -> Relay.checkSignal(19)).hasMessageContaining("SIGSTOP) cannot be caught");
    }

    @Test
    void refusesGlibcsReservedSignalsWithTheReason() {
        assertThatThrownBy(() -> Relay.checkSignal(33)).hasMessageContaining("reserved by glibc's thread library");
        assertThatThrownBy(() -> Relay.checkSignal(32)).hasMessageContaining("use SIGRTMIN (34) or above");
        Relay.checkSignal(34);
        Relay.checkSignal(10);
    }
}
