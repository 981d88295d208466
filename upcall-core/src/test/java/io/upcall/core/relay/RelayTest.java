package io.upcall.core.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upcall.core.event.LossEvent;
import io.upcall.core.proc.ProcChannel;
import io.upcall.core.proc.ProcEventType;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.core.procfs.ProcFs;
import io.upcall.protocol.cnproc.ProcEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay's filters on synthetic events, with a fake {@code /proc} for the tree. */
class RelayTest {
    @TempDir
    Path proc;

    private Relay relay;
    private final List<String> heard = new ArrayList<>();
    /** The scans a loss asks for, run when the test says: they never run on the thread that sent the loss. */
    private final List<Runnable> reseeds = new ArrayList<>();

    @BeforeEach
    void fakeProc() throws IOException {
        process(1, 0);
        process(100, 1);   // the tree root
        process(101, 100); // already below it when the relay starts
        process(200, 1);   // elsewhere
        relay = new Relay(new ProcFs(proc), reseeds::add);
    }

    private void process(int pid, int ppid) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (p" + pid + ") S " + ppid + " " + pid + " 0 0");
    }

    private RelayListener recorder(String name) {
        return (type, pid) -> heard.add(name + ":" + type.jsonName() + ":" + pid);
    }

    private void send(ProcEvent e) {
        relay.onEvent(new ProcessEvent(Instant.EPOCH, e, null), true);
    }

    private static ProcEvent.Fork fork(int parentTgid, int childPid, int childTgid) {
        return new ProcEvent.Fork(0, 0, 0, parentTgid, parentTgid, childPid, childTgid);
    }

    private static ProcEvent.Exit exit(int pid, int tgid) {
        return new ProcEvent.Exit(0, 0, 0, pid, tgid, 0, 17, 1, 1);
    }

    @Test
    void byDefaultHearsForksOfProcessesNotThreads() {
        relay.register(RelayFilter.forks(), recorder("a"));
        send(fork(200, 300, 300));
        send(fork(200, 301, 200)); // a new thread of 200
        send(new ProcEvent.Exec(0, 0, 0, 300, 300));
        send(exit(300, 300));
        assertThat(heard).containsExactly("a:fork:300");
    }

    @Test
    void threadsExecAndExitWhenAskedFor() {
        relay.register(RelayFilter.forks().withThreads(true)
                .withEvents(EnumSet.of(ProcEventType.FORK, ProcEventType.EXEC, ProcEventType.EXIT)), recorder("a"));
        send(fork(200, 301, 200));
        send(new ProcEvent.Exec(0, 0, 0, 200, 200));
        send(exit(301, 200));
        send(exit(200, 200));
        assertThat(heard).containsExactly("a:fork:301", "a:exec:200", "a:exit:301", "a:exit:200");
    }

    @Test
    void aTreeHearsOnlyForksBelowItsRootIncludingThoseItLearnsAbout() {
        relay.register(RelayFilter.forks().withTree(100), recorder("t"));
        send(fork(200, 300, 300)); // outside
        send(fork(101, 400, 400)); // below, known from /proc
        send(fork(400, 401, 401)); // below, known from the fork before
        send(exit(400, 400));
        send(fork(400, 402, 402)); // 400 has gone: a late fork of a pid no longer in the tree
        send(fork(100, 403, 403)); // the root itself
        assertThat(heard).containsExactly("t:fork:400", "t:fork:401", "t:fork:403");
    }

    @Test
    void aLossMakesTheTreeReadProcAgainOffTheDispatchThread() throws IOException {
        relay.register(RelayFilter.forks().withTree(100), recorder("t"));
        send(fork(200, 300, 300));
        process(500, 101); // born during a loss: no fork event ever comes for it
        relay.onEvent(new LossEvent(Instant.EPOCH, ProcChannel.NAME, 3, "ENOBUFS"), true);
        relay.onEvent(new LossEvent(Instant.EPOCH, ProcChannel.NAME, 1, "ENOBUFS"), true);
        assertThat(reseeds).hasSize(1); // asked for once, not scanned here
        send(fork(500, 501, 501));
        assertThat(heard).isEmpty();
        reseeds.removeFirst().run();
        send(fork(500, 502, 502));
        assertThat(heard).containsExactly("t:fork:502");
    }

    @Test
    void eachRegistrationHasItsOwnFilterAndClosingOneStopsIt() {
        Relay.Registration a = relay.register(RelayFilter.forks(), recorder("a"));
        relay.register(RelayFilter.forks().withTree(100), recorder("t"));
        send(fork(101, 600, 600));
        a.close();
        send(fork(101, 601, 601));
        assertThat(heard).containsExactly("a:fork:600", "t:fork:600", "t:fork:601");
    }

    @Test
    void aFailingCallbackDoesNotCostTheOthersTheirEvent() {
        relay.register(RelayFilter.forks(), (type, pid) -> {
            throw new IllegalStateException("boom");
        });
        relay.register(RelayFilter.forks(), recorder("b"));
        assertThatThrownBy(() -> send(fork(200, 700, 700))).hasMessage("boom");
        assertThat(heard).containsExactly("b:fork:700");
    }
}
