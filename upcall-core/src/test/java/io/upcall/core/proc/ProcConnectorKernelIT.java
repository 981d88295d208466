package io.upcall.core.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.KernelTests;
import io.upcall.core.Upcall;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.core.netlink.KernelVersion;
import io.upcall.protocol.cnproc.ProcEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The proc connector source against the running kernel (root only; skips with the reason otherwise). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcConnectorKernelIT {
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Event> seen = new ArrayList<>();

    @BeforeEach
    void requireKernel() {
        KernelTests.assumeProcConnector();
    }

    private Upcall.Builder upcall(ProcOptions options) {
        return Upcall.builder().source(options).subscribe((e, end) -> events.add(e));
    }

    /** Waits (at most {@code seconds}) for an event matching {@code p}, keeping everything seen on the way. */
    private Event await(Predicate<Event> p, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Event e : seen) {
            if (p.test(e)) {
                return e;
            }
        }
        while (System.nanoTime() < deadline) {
            Event e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null) {
                seen.add(e);
                if (p.test(e)) {
                    return e;
                }
            }
        }
        return null;
    }

    private static Predicate<Event> proc(Class<? extends ProcEvent> type, Predicate<ProcEvent> p) {
        return e -> e instanceof ProcessEvent pe && type.isInstance(pe.kernel()) && p.test(pe.kernel());
    }

    @Test
    void seesTheForkExecAndExitStatusOfAChild() throws Exception {
        try (Upcall _ = upcall(ProcOptions.defaults()).start()) {
            // It lives a second, so Upcall can read its program from /proc after the exec.
            Process child = new ProcessBuilder("sh", "-c", "sleep 1; exit 7").start();
            int pid = (int) child.pid();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

            Event fork = await(proc(ProcEvent.Fork.class, k -> ((ProcEvent.Fork) k).childTgid() == pid), 10);
            assertThat(fork).as("fork of child %d", pid).isNotNull();
            assertThat(((ProcEvent.Fork) ((ProcessEvent) fork).kernel()).parentTgid()).isEqualTo(ProcessHandle.current().pid());
            Event exec = await(e -> e instanceof ProcessEvent pe && pe.kernel() instanceof ProcEvent.Exec x && x.tgid() == pid
                    && pe.process() != null && "sh".equals(pe.process().comm()), 10);
            assertThat(exec).as("exec of sh in child %d", pid).isNotNull();
            Event exit = await(proc(ProcEvent.Exit.class, k -> ((ProcEvent.Exit) k).tgid() == pid), 10);
            assertThat(exit).as("exit of child %d", pid).isNotNull();
            ProcEvent.Exit x = (ProcEvent.Exit) ((ProcessEvent) exit).kernel();
            assertThat(x.exitedNormally()).isTrue();
            assertThat(x.status()).isEqualTo(7);
            assertThat(JsonEventWriter.toJson(exit)).contains("\"status\":7", "\"cmdline\":\"sh -c sleep 1; exit 7\"");
        }
    }

    @Test
    void seesAChildKilledBySigkill() throws Exception {
        try (Upcall _ = upcall(ProcOptions.defaults()).start()) {
            Process child = new ProcessBuilder("sleep", "30").start();
            int pid = (int) child.pid();
            await(proc(ProcEvent.Exec.class, k -> k.subjectTgid() == pid), 10);
            child.destroyForcibly();
            Event exit = await(proc(ProcEvent.Exit.class, k -> ((ProcEvent.Exit) k).tgid() == pid), 10);
            assertThat(exit).isNotNull();
            assertThat(JsonEventWriter.toJson(exit)).contains("\"signal\":\"SIGKILL\"").doesNotContain("\"status\"");
        }
    }

    @Test
    void reportsLossFromAForkStormAgainstATinyBuffer() throws Exception {
        long lost = 0;
        int lossEvents = 0;
        // A buffer of a few messages: the kernel will drop during a burst. Up to three storms, each bounded.
        try (Upcall _ = upcall(ProcOptions.defaults().withReceiveBuffer(1).withProcessContext(false)).start()) {
            for (int storm = 0; storm < 3 && lossEvents == 0; storm++) {
                Process p = new ProcessBuilder("sh", "-c",
                        "i=0; while [ $i -lt 3000 ]; do /bin/true & i=$((i+1)); done; wait").start();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                Event e;
                while ((e = await(ev -> ev instanceof LossEvent, 2)) != null) {
                    seen.remove(e);
                    lossEvents++;
                    LossEvent loss = (LossEvent) e;
                    assertThat(loss.channel()).isEqualTo("proc");
                    lost += Math.max(0, loss.count());
                }
            }
        }
        assertThat(lossEvents).as("loss events after fork storms against a tiny buffer").isPositive();
        assertThat(lost).as("events counted lost from sequence gaps").isPositive();
    }

    @Test
    void theKernelFiltersEventTypesWhenAskedForASubset() throws Exception {
        try (Upcall u = upcall(ProcOptions.defaults().withEvents(Set.of(ProcEventType.EXIT))).start()) {
            assertThat(((ProcConnectorSource) u.channel(ProcChannel.NAME).orElseThrow()).kernelFilter()).isEqualTo(KernelVersion.running().atLeast(6, 6));
            // Other load on the machine can make even an 8 MiB buffer overflow (reported as loss): try thrice.
            Event exit = null;
            for (int attempt = 0; attempt < 3 && exit == null; attempt++) {
                int pid = (int) new ProcessBuilder("sh", "-c", "exit 3").start().pid();
                exit = await(proc(ProcEvent.Exit.class, k -> ((ProcEvent.Exit) k).tgid() == pid), 10);
            }
            assertThat(exit).as("an exit of sh among %s", seen).isNotNull();
            assertThat(seen).allSatisfy(e -> assertThat(e).isInstanceOfAny(LossEvent.class, ProcessEvent.class))
                    .filteredOn(e -> e instanceof ProcessEvent)
                    .allSatisfy(e -> assertThat(((ProcessEvent) e).kernel()).isInstanceOf(ProcEvent.Exit.class));
        }
    }

    @Test
    void aTreeSelectionKeepsOnlyTheSubtree() throws Exception {
        Process inside = new ProcessBuilder("sh", "-c", "sleep 1; /bin/true; exit 3").start();
        try (Upcall _ = upcall(ProcOptions.defaults().withTree((int) inside.pid())).start()) {
            Process outside = new ProcessBuilder("sh", "-c", "sleep 1; exit 4").start();
            Event exit = await(proc(ProcEvent.Exit.class, k -> ((ProcEvent.Exit) k).tgid() == inside.pid()), 15);
            assertThat(exit).isNotNull();
            assertThat(outside.waitFor(10, TimeUnit.SECONDS)).isTrue();
            await(e -> false, 1);
            assertThat(seen).filteredOn(e -> e instanceof ProcessEvent pe && pe.kernel().subjectTgid() == outside.pid()).isEmpty();
            assertThat(seen).anySatisfy(e -> assertThat(e).matches(proc(ProcEvent.Exec.class,
                    k -> k.subjectTgid() != inside.pid())::test, "an exec in a child of the tree root"));
        }
    }
}
