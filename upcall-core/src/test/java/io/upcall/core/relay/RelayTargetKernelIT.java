package io.upcall.core.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.KernelTests;
import io.upcall.core.Upcall;
import io.upcall.core.proc.ProcOptions;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.core.procfs.ProcFs;
import io.upcall.linux.Pidfd;
import io.upcall.protocol.cnproc.ProcEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whom the relay signals, against the running kernel: a request is taken only from a process that is still there,
 * a signal only while the one who registered its target could send it by {@code kill(2)}, and an exit event only
 * ends the registration of the process that exited. The attack tests need root (recycling a pid, acting as
 * another user); the others need only pidfds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayTargetKernelIT {
    /** Harmless to any process: its default action is to do nothing. */
    private static final int SIGWINCH = 28;
    private static final Path NS_LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");

    @TempDir
    Path dir;

    private TestPrograms programs;
    private Relay relay;
    private Upcall upcall;
    private RelayServer server;
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (upcall != null) {
            upcall.close();
        } else if (relay != null) {
            relay.onClose();
        }
        if (programs != null) {
            programs.close();
        }
    }

    private void serve(boolean withProcConnector) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody runs programs here
        programs = new TestPrograms(dir);
        relay = Relay.create();
        if (withProcConnector) {
            KernelTests.assumeProcConnector();
            upcall = Upcall.builder().source(ProcOptions.defaults().withProcessContext(false))
                    .batchDelay(Duration.ZERO).subscribe(relay).start();
        }
        server = RelayServer.start(dir.resolve("relay.sock"), relay, log::add);
    }

    private static boolean isRoot() throws IOException {
        return Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t");
    }

    @Test
    void aRequestLeftByAProcessThatExitedIsRefusedEvenWhenItsPidNamesAnotherProcess() throws Exception {
        serve(false);
        Path client = programs.build("relay-stale-client");
        Path go = dir.resolve("go");
        Path answer = dir.resolve("answer");
        Process attacker = programs.start(List.of(client.toString(), server.path().toString(),
                "register signal=SIGRTMIN events=fork", go.toString(), answer.toString()));
        int stalePid = (int) attacker.pid();
        Process victim;
        try {
            assertThat(attacker.waitFor(10, TimeUnit.SECONDS)).isTrue(); // the parent exited, reaped: its pid is free
            victim = recycle(stalePid);
        } finally {
            Files.writeString(go, "go"); // the child sends the request now, and ends
        }
        assertThat(waitUntil(() -> Files.exists(answer))).isTrue();

        assertThat(Files.readString(answer))
                .startsWith("error the process that connected (pid " + stalePid + ") has exited");
        assertThat(relay.registrants()).isEmpty();
        if (victim != null) {
            assertThat(victim.pid()).isEqualTo(stalePid); // the attack had its chance: the pid was someone else's
            assertThat(victim.isAlive()).isTrue();
        }
    }

    /**
     * Gives {@code pid} to a new process ({@code sleep}, which SIGRTMIN would end) by setting the kernel's last pid
     * just below it; needs root, and may lose the race to other processes forking, so it tries a few times.
     * @return the process with that pid, or null when it could not be done
     */
    private Process recycle(int pid) throws Exception {
        if (!isRoot() || !Files.isWritable(NS_LAST_PID)) {
            return null;
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            Files.writeString(NS_LAST_PID, Integer.toString(pid - 1));
            Process p = programs.start(List.of("sleep", "60"));
            if (p.pid() == pid) {
                return p;
            }
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        return null;
    }

    @Test
    void aProcessThatBecomesRootIsNoLongerSignalledForTheUserWhoRegisteredIt() throws Exception {
        assumeTrue(isRoot(), "needs root to make a setuid-root program");
        serve(true);
        Path changer = programs.build("relay-uid-changer");
        assertThat(new ProcessBuilder("chmod", "4755", changer.toString()).start().waitFor()).isZero(); // setuid root
        Process target = programs.startAsNobody(List.of(changer.toString(), server.path().toString()));
        BufferedReader out = TestPrograms.output(target);
        assertThat(out.readLine()).as("log: %s", log).startsWith("registered: ok registered pid " + target.pid());

        TestPrograms.tell(target, "fork");
        assertThat(out.readLine()).startsWith("forked ");
        assertThat(waitUntil(() -> registrant(target.pid()).sent() == 1)).isTrue();
        TestPrograms.tell(target, "count");
        assertThat(out.readLine()).isEqualTo("signals 1"); // while it runs as nobody, nobody's registration holds

        TestPrograms.tell(target, "root");
        assertThat(out.readLine()).isEqualTo("uids 0 0 0");
        TestPrograms.tell(target, "fork");
        assertThat(out.readLine()).startsWith("forked ");
        assertThat(waitUntil(() -> registrant(target.pid()).failed() == 1)).isTrue();
        TestPrograms.tell(target, "count");
        assertThat(out.readLine()).isEqualTo("signals 0");
        assertThat(registrant(target.pid()).sent()).isEqualTo(1);
    }

    private RelayRegistrant registrant(long pid) {
        return relay.registrants().stream().filter(r -> r.pid() == pid).findFirst().orElseThrow();
    }

    @Test
    void eachSignalIsCheckedAgainstTheUidsTheTargetHasThen() throws Exception {
        programs = new TestPrograms(dir);
        Process sleeper = programs.start(List.of("sleep", "60"));
        int pid = (int) sleeper.pid();
        Path proc = Files.createDirectories(dir.resolve("proc"));
        Path status = Files.createDirectories(proc.resolve(Integer.toString(pid))).resolve("status");
        Files.writeString(status, status(1000, 1000, 1000));
        ProcFs fake = new ProcFs(proc);
        relay = new Relay(fake, Runnable::run);
        relay.registerSignal(new RelayTarget(Pidfd.open(pid), StatusFile.open(fake, pid), 1000, "sleep"), SIGWINCH,
                RelayFilter.forks(), 64);

        fork(pid + 1);
        Files.writeString(status, status(0, 0, 1000)); // saved uid still the user's: kill(2) would allow it
        fork(pid + 2);
        Files.writeString(status, status(0, 1000, 0)); // real and saved uid root: kill(2) would refuse
        fork(pid + 3);

        RelayRegistrant r = relay.registrants().getFirst();
        assertThat(r.sent()).isEqualTo(2);
        assertThat(r.failed()).isEqualTo(1);
    }

    private static String status(int real, int effective, int saved) {
        return "Name:\tsleep\nUid:\t" + real + "\t" + effective + "\t" + saved + "\t" + effective
                + "\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n";
    }

    private void fork(int child) {
        relay.onEvent(new ProcessEvent(Instant.EPOCH, new ProcEvent.Fork(0, 0, 0, 1, 1, child, child), null), true);
    }

    private void exit(int pid) {
        relay.onEvent(new ProcessEvent(Instant.EPOCH, new ProcEvent.Exit(0, 0, 0, pid, pid, 0, 17, 1, 1), null), true);
    }

    private void registerAsRoot(int pid) throws Exception {
        relay.registerSignal(new RelayTarget(Pidfd.open(pid), null, 0, "sleep"), SIGWINCH,
                RelayFilter.forks().withTree(pid), 64);
    }

    @Test
    void anExitEventEndsOnlyARegistrationWhoseProcessHasExited() throws Exception {
        programs = new TestPrograms(dir);
        relay = new Relay(ProcFs.system(), Runnable::run);
        Process sleeper = programs.start(List.of("sleep", "60"));
        int pid = (int) sleeper.pid();
        registerAsRoot(pid);

        exit(pid); // late, from an earlier process with this pid: the live one stays registered
        assertThat(relay.signalRegistrations()).isEqualTo(1);

        sleeper.destroyForcibly();
        assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
        exit(pid); // its own exit event: nothing else removes it here, no listing prunes it
        assertThat(relay.signalRegistrations()).isZero();
    }

    @Test
    void listingDropsARegistrationWhoseProcessExitedUnseen() throws Exception {
        programs = new TestPrograms(dir);
        relay = new Relay(ProcFs.system(), Runnable::run);
        Process sleeper = programs.start(List.of("sleep", "60"));
        registerAsRoot((int) sleeper.pid());
        sleeper.destroyForcibly();
        assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(relay.signalRegistrations()).isEqualTo(1); // no exit event came
        assertThat(relay.registrants()).isEmpty();
        assertThat(relay.signalRegistrations()).isZero();
    }

    private static boolean waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (int i = 0; i < 500 && System.nanoTime() < deadline; i++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
