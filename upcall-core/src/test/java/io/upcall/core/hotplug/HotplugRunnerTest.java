package io.upcall.core.hotplug;

import static io.upcall.core.hotplug.HotplugRuleTest.uevent;
import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.device.DeviceEvent;
import io.upcall.core.event.Event;
import io.upcall.core.event.GapEvent;
import io.upcall.core.event.LossEvent;
import io.upcall.core.event.RejectedEvent;
import io.upcall.core.event.Subscriber;
import io.upcall.core.pipeline.Pipeline;
import io.upcall.linux.Signals;
import io.upcall.protocol.uevent.Uevent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runner with a fake launcher: ordering per device, the concurrency limit, timeouts, and honest loss. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HotplugRunnerTest {
    private static final Instant T = Instant.parse("2026-11-28T00:00:00Z");

    private final FakeLauncher launcher = new FakeLauncher();
    private final List<Event> seen = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong nanos = new AtomicLong();
    private Pipeline pipeline;
    private HotplugRunner runner;

    private HotplugRunner start(HotplugRules rules, int maxBacklog, int capacity, Subscriber subscriber) {
        pipeline = new Pipeline(capacity, List.of(), List.of(subscriber), (w, t) -> { }, () -> T);
        runner = new HotplugRunner(rules, new ActionExecution(launcher, () -> T, () -> nanos.addAndGet(1_000_000), 1),
                () -> T, maxBacklog);
        runner.start(pipeline.publisher(HotplugRunner.CHANNEL));
        pipeline.start();
        return runner;
    }

    private HotplugRunner start(HotplugRules rules) {
        return start(rules, HotplugRunner.DEFAULT_MAX_BACKLOG, 1000, (e, end) -> seen.add(e));
    }

    /** Closes the runner, then the pipeline, so that every outcome is in {@link #seen}. */
    private void finish() throws InterruptedException {
        runner.close(System.nanoTime() + TimeUnit.SECONDS.toNanos(30), true);
        pipeline.close(java.time.Duration.ofSeconds(10));
    }

    @AfterEach
    void releaseEverything() throws InterruptedException {
        launcher.started.forEach(FakeLauncher.FakeJob::release);
        if (runner != null) {
            finish();
        }
    }

    private static DeviceEvent device(String action, String devpath, long seqnum) {
        return new DeviceEvent(T, uevent(action, devpath, "SUBSYSTEM", "net", "SEQNUM", Long.toString(seqnum)));
    }

    private List<ActionEvent> outcomes() {
        synchronized (seen) {
            return seen.stream().filter(e -> e instanceof ActionEvent).map(e -> (ActionEvent) e).toList();
        }
    }

    /** Waits (bounded) until {@code n} outcomes are in the stream. */
    private void awaitOutcomes(int n) throws InterruptedException {
        for (int i = 0; i < 1000 && outcomes().size() < n; i++) {
            Thread.sleep(10);
        }
    }

    /** One rule, one uevent: its outcome, once the runner and the stream are closed. */
    private ActionEvent outcomeOfOneUevent() throws InterruptedException {
        start(rule(HotplugRule.builder()));
        runner.onEvent(device("add", "/devices/a", 1), false);
        awaitOutcomes(1);
        finish();
        return outcomes().getFirst();
    }

    private static HotplugRules rule(HotplugRule.Builder b) {
        return HotplugRules.of(b.run("/usr/local/sbin/hook").build());
    }

    @Test
    void perDeviceActionsRunOneAtATimeInSeqnumOrder() throws Exception {
        start(rule(HotplugRule.builder()));
        runner.onEvent(device("add", "/devices/a", 10), false);
        launcher.awaitStarted(1);
        // While 10 runs, 12 arrives before 11 (and another device's event): 11 must still run before 12.
        runner.onEvent(device("change", "/devices/a", 12), false);
        runner.onEvent(device("change", "/devices/a", 11), false);
        runner.onEvent(device("add", "/devices/b", 13), false);
        launcher.awaitStarted(2);
        assertThat(launcher.started.get(1).env.get("SEQNUM")).as("another device runs beside the busy one").isEqualTo("13");
        launcher.started.getFirst().release(); // 10 ends: the device's next may start
        launcher.awaitStarted(3);
        launcher.started.get(2).release();
        launcher.awaitStarted(4);
        launcher.started.forEach(FakeLauncher.FakeJob::release);
        finish();
        List<String> deviceA = launcher.started.stream().filter(j -> j.env.get("DEVPATH").equals("/devices/a"))
                .map(j -> j.env.get("SEQNUM")).toList();
        assertThat(deviceA).containsExactly("10", "11", "12");
        assertThat(outcomes()).hasSize(4).allSatisfy(a -> assertThat(a.succeeded()).isTrue());
    }

    @Test
    void atMostMaxJobsRunAtOnceAcrossDevices() throws Exception {
        start(rule(HotplugRule.builder()).withMaxJobs(2));
        for (int d = 0; d < 6; d++) {
            runner.onEvent(device("add", "/devices/d" + d, 100 + d), false);
        }
        launcher.awaitStarted(2);
        for (int released = 0; released < 6; released++) {
            launcher.started.get(released).release();
            launcher.awaitStarted(Math.min(6, released + 3));
        }
        finish();
        assertThat(launcher.started).hasSize(6);
        assertThat(launcher.mostAtOnce.get()).isEqualTo(2);
        assertThat(outcomes()).hasSize(6);
    }

    @Test
    void everyMatchingRuleRunsInRuleOrderWithItsArgv() throws Exception {
        launcher.status = 3;
        start(new HotplugRules(List.of(
                HotplugRule.builder().name("first").subsystem("net").run("/sbin/hotplug").build(),
                HotplugRule.builder().subsystem("block").run("/bin/false").build(),
                HotplugRule.builder().action("add").run("/usr/bin/logger", "-t", "hotplug").build()), 4));
        runner.onEvent(device("add", "/devices/a", 5), false);
        launcher.awaitStarted(1);
        launcher.started.getFirst().release();
        launcher.awaitStarted(2);
        launcher.started.get(1).release();
        finish();
        assertThat(launcher.started).extracting(j -> j.argv).containsExactly(List.of("/sbin/hotplug", "net"),
                List.of("/usr/bin/logger", "-t", "hotplug"));
        ActionEvent first = outcomes().getFirst();
        assertThat(first.rule()).isEqualTo(1);
        assertThat(first.ruleName()).isEqualTo("first");
        assertThat(first.exitStatus()).isEqualTo(3);
        assertThat(first.succeeded()).isFalse();
        assertThat(first.seqnum()).isEqualTo(5);
        assertThat(first.pid()).isEqualTo(1000);
        assertThat(outcomes().get(1).rule()).isEqualTo(3);
    }

    @Test
    void onlyTheKernelsDeviceEventsRunRules() throws Exception {
        start(rule(HotplugRule.builder()));
        runner.onEvent(new RejectedEvent(T, "device", 4242, "sender port id 4242 is not the kernel"), false);
        runner.onEvent(new GapEvent(T, "device", 3, 4, "SEQNUM jumped"), false);
        runner.onEvent(new LossEvent(T, "device", LossEvent.UNKNOWN, "ENOBUFS"), false);
        Uevent fromUdev = new Uevent(true, "add", "/devices/a", uevent("add", "/devices/a").env());
        runner.onEvent(new DeviceEvent(T, fromUdev), false);
        runner.onEvent(device("add", "/devices/kernel", 7), false);
        launcher.awaitStarted(1);
        launcher.started.getFirst().release();
        finish();
        assertThat(launcher.started).hasSize(1);
        assertThat(launcher.started.getFirst().env).containsEntry("DEVPATH", "/devices/kernel");
    }

    @Test
    void aTimeoutSendsSigtermAndIsReported() throws Exception {
        launcher.mode = FakeLauncher.Mode.HANG;
        ActionEvent a = outcomeOfOneUevent();
        assertThat(a.timedOut()).isTrue();
        assertThat(a.signal()).isEqualTo("SIGTERM");
        assertThat(a.exitStatus()).isEqualTo(ActionEvent.NONE);
        assertThat(launcher.started.getFirst().signals).containsExactly(Signals.SIGTERM);
    }

    /** A program that never ends on its own: its outcome, which says it timed out. */
    private ActionEvent timedOutOutcome() throws InterruptedException {
        launcher.mode = FakeLauncher.Mode.HANG;
        ActionEvent a = outcomeOfOneUevent();
        assertThat(a.timedOut()).isTrue();
        return a;
    }

    /** Issue 10: a program that traps SIGTERM and exits 143 was reported as killed by SIGTERM. */
    @Test
    void anExitWithStatus143IsAStatusNotASignal() throws Exception {
        launcher.exits143OnSigterm = true;
        ActionEvent a = timedOutOutcome();
        assertThat(a.signal()).isNull();
        assertThat(a.exitStatus()).isEqualTo(143);
        assertThat(launcher.started.getFirst().closed).as("what it left running is ended").isTrue();
    }

    /** Before Linux 6.15 the kernel does not say how a child ended: then no signal is claimed, and Java's 128+N stays. */
    @Test
    void whenTheKernelCannotSayNoSignalIsClaimed() throws Exception {
        launcher.kernelSaysHowItEnded = false;
        ActionEvent a = timedOutOutcome();
        assertThat(a.signal()).isNull();
        assertThat(a.exitStatus()).isEqualTo(128 + Signals.SIGTERM);
    }

    @Test
    void aProgramThatIgnoresSigtermGetsSigkill() throws Exception {
        launcher.mode = FakeLauncher.Mode.HANG;
        launcher.diesOf = List.of(Signals.SIGKILL);
        ActionEvent a = outcomeOfOneUevent();
        assertThat(a.timedOut()).isTrue();
        assertThat(a.signal()).isEqualTo("SIGKILL");
        assertThat(launcher.started.getFirst().signals).containsExactly(Signals.SIGTERM, Signals.SIGKILL);
    }

    @Test
    void aProgramThatSurvivesSigkillIsReportedAsSuch() throws Exception {
        launcher.mode = FakeLauncher.Mode.HANG;
        launcher.diesOf = List.of();
        ActionEvent a = outcomeOfOneUevent();
        assertThat(a.timedOut()).isTrue();
        assertThat(a.error()).contains("still running after SIGKILL");
        assertThat(a.exitStatus()).isEqualTo(ActionEvent.NONE);
    }

    @Test
    void aProgramThatCannotStartIsReported() throws Exception {
        launcher.failToStart = true;
        ActionEvent a = outcomeOfOneUevent();
        assertThat(a.error()).startsWith("cannot start: ").contains("No such file");
        assertThat(a.pid()).isEqualTo(ActionEvent.NONE);
        assertThat(a.exitStatus()).isEqualTo(ActionEvent.NONE);
        assertThat(JsonEventWriter.toJson(a)).contains("\"type\":\"action\"", "\"pid\":null", "\"exit_status\":null",
                "\"argv\":[\"/usr/local/sbin/hook\",\"net\"]");
    }

    @Test
    void anOutcomeDroppedByAFullQueueIsReportedAsLoss() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        start(rule(HotplugRule.builder()), HotplugRunner.DEFAULT_MAX_BACKLOG, 1, (e, end) -> {
            release.await(30, TimeUnit.SECONDS);
            seen.add(e);
        });
        pipeline.publisher("device").publish(new Event[] {new GapEvent(T, "device", 1, 1, "filler")}, 1); // fills the queue
        runner.onEvent(device("add", "/devices/a", 1), false);
        launcher.awaitStarted(1);
        launcher.started.getFirst().release();
        runner.close(System.nanoTime() + TimeUnit.SECONDS.toNanos(30), true); // waits for the outcome, forces the report
        release.countDown();
        pipeline.close(java.time.Duration.ofSeconds(10));
        runner = null;
        assertThat(outcomes()).isEmpty();
        assertThat(seen).filteredOn(e -> e instanceof LossEvent l && l.channel().equals("hotplug") && l.count() == 1).hasSize(1);
    }

    @Test
    void actionsBeyondTheBacklogAreNotRunAndReportedAsLoss() throws Exception {
        start(rule(HotplugRule.builder()), 2, 1000, (e, end) -> seen.add(e));
        runner.onEvent(device("add", "/devices/a", 1), false);
        launcher.awaitStarted(1); // running: no longer in the backlog
        for (int s = 2; s <= 4; s++) {
            runner.onEvent(device("change", "/devices/a", s), false); // 2 and 3 wait, 4 does not fit
        }
        for (int i = 0; i < 3; i++) {
            launcher.started.get(i).release();
            launcher.awaitStarted(Math.min(3, i + 2));
        }
        runner.onEvent(device("change", "/devices/a", 5), false); // fits again: the loss report goes first
        launcher.awaitStarted(4);
        launcher.started.get(3).release();
        finish();
        assertThat(launcher.started).extracting(j -> j.env.get("SEQNUM")).containsExactly("1", "2", "3", "5");
        assertThat(seen).filteredOn(e -> e instanceof LossEvent l && l.channel().equals("hotplug") && l.count() == 1
                && l.reason().contains("backlog full")).hasSize(1);
    }

    @Test
    void closingStopsARunningProgramAndReportsWhatDidNotRun() throws Exception {
        launcher.diesOf = List.of(Signals.SIGTERM);
        start(rule(HotplugRule.builder()));
        runner.onEvent(device("add", "/devices/a", 1), false);
        launcher.awaitStarted(1);
        runner.onEvent(device("change", "/devices/a", 2), false);
        runner.close(System.nanoTime(), true); // no patience: the running program is stopped at once
        pipeline.close(java.time.Duration.ofSeconds(10));
        runner = null;
        assertThat(launcher.started).hasSize(1);
        ActionEvent a = outcomes().getFirst();
        assertThat(a.error()).contains("Upcall closed");
        assertThat(a.signal()).isEqualTo("SIGTERM");
        assertThat(seen).filteredOn(e -> e instanceof LossEvent l && l.channel().equals("hotplug") && l.count() == 1
                && l.reason().contains("not run")).hasSize(1);
    }
}
