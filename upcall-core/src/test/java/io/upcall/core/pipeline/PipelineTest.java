package io.upcall.core.pipeline;

import io.upcall.core.channel.EventStage;
import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.core.event.Subscriber;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.protocol.cnproc.ProcEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PipelineTest {
    private static final Instant T = Instant.parse("2026-11-28T00:00:00Z");

    private static Event exec(int pid) {
        return new ProcessEvent(T, new ProcEvent.Exec(0, 0, 0, pid, pid), null);
    }

    @Test
    void deliversInOrderAndSaysWhenABatchEnds() throws Exception {
        List<String> seen = new ArrayList<>();
        Pipeline p = new Pipeline(100, List.of(), List.of((e, end) -> seen.add(e.type() + (end ? "!" : ""))),
                (w, t) -> { }, () -> T);
        p.start();
        p.publisher("proc").publish(new Event[] {exec(1), exec(2), exec(3)}, 3);
        p.close(java.time.Duration.ofSeconds(10));
        assertThat(seen).containsExactly("exec", "exec", "exec!");
    }

    @Test
    void dropsWhatDoesNotFitAndReportsTheExactCountInPlace() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Event> seen = new ArrayList<>();
        Subscriber slow = (e, end) -> {
            release.await(10, TimeUnit.SECONDS); // bounded: the test releases it
            seen.add(e);
        };
        Pipeline p = new Pipeline(4, List.of(), List.of(slow), (w, t) -> { }, () -> T);
        p.start();
        Pipeline.Publisher pub = p.publisher("proc");
        pub.publish(new Event[] {exec(1), exec(2), exec(3), exec(4)}, 4); // fills the queue
        pub.publish(new Event[] {exec(5), exec(6)}, 2); // dropped
        pub.publish(new Event[] {exec(7)}, 1); // dropped
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < 1000 && System.nanoTime() < deadline; i++) {
            synchronized (seen) {
                if (seen.size() >= 4) {
                    break;
                }
            }
            Thread.sleep(10);
        }
        pub.publish(new Event[] {exec(8)}, 1); // room again: the loss report goes first
        p.close(java.time.Duration.ofSeconds(10));
        assertThat(seen).hasSize(6);
        assertThat(seen.get(4)).isInstanceOfSatisfying(LossEvent.class, l -> {
            assertThat(l.count()).isEqualTo(3);
            assertThat(l.channel()).isEqualTo("proc");
        });
        assertThat(((ProcessEvent) seen.get(5)).kernel()).isEqualTo(new ProcEvent.Exec(0, 0, 0, 8, 8));
    }

    @Test
    void reportsDropsStillPendingWhenTheSourceStops() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Event> seen = new ArrayList<>();
        Pipeline p = new Pipeline(1, List.of(), List.of((e, end) -> {
            release.await(10, TimeUnit.SECONDS); // bounded: the test releases it
            seen.add(e);
        }), (w, t) -> { }, () -> T);
        p.start();
        Pipeline.Publisher pub = p.publisher("proc");
        pub.publish(new Event[] {exec(1)}, 1);
        pub.publish(new Event[] {exec(2)}, 1);
        pub.flush();
        release.countDown();
        p.close(java.time.Duration.ofSeconds(10));
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1)).isInstanceOfSatisfying(LossEvent.class, l -> assertThat(l.count()).isEqualTo(1));
    }

    @Test
    void aFailingSubscriberDoesNotStopTheOthers() throws Exception {
        List<String> errors = new ArrayList<>();
        List<Event> seen = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        Subscriber failing = (e, end) -> {
            throw new IllegalStateException("boom");
        };
        Subscriber good = new Subscriber() {
            @Override
            public void onEvent(Event e, boolean end) {
                seen.add(e);
            }

            @Override
            public void onClose() {
                closed.add("good");
            }
        };
        Pipeline p = new Pipeline(10, List.of(), List.of(failing, good), (w, t) -> errors.add(w + ": " + t.getMessage()), () -> T);
        p.start();
        p.publisher("proc").publish(new Event[] {exec(1), exec(2)}, 2);
        p.close(java.time.Duration.ofSeconds(10));
        assertThat(seen).hasSize(2);
        // It fails on the loss report it is then given, too: the error handler hears both, and the stream goes on.
        assertThat(errors).containsExactly("subscriber 0: boom", "subscriber 0 (loss report): boom", "subscriber 0: boom",
                "subscriber 0 (loss report): boom");
        assertThat(closed).containsExactly("good");
    }

    @Test
    void aFilteredLastEventStillEndsTheBatch() throws Exception {
        List<String> calls = new ArrayList<>();
        Subscriber s = new Subscriber() {
            @Override
            public void onEvent(Event e, boolean end) {
                calls.add("event" + (end ? "!" : ""));
            }

            @Override
            public void onEndOfBatch() {
                calls.add("end");
            }
        };
        Pipeline p = new Pipeline(10, List.<io.upcall.core.channel.EventStage>of(e -> e instanceof ProcessEvent pe && ((ProcEvent.Exec) pe.kernel()).pid() == 2 ? null : e),
                List.of(s), (w, t) -> { }, () -> T);
        p.start();
        p.publisher("proc").publish(new Event[] {exec(1), exec(2)}, 2);
        p.close(java.time.Duration.ofSeconds(10));
        assertThat(calls).containsExactly("event", "end");
    }

    @Test
    void deferredWorkBecomesEventsOnTheDispatchThreadInOrder() throws Exception {
        List<String> seen = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        Pipeline p = new Pipeline(100, List.of(), List.of(new Subscriber() {
            @Override
            public void onEvent(Event e, boolean end) {
                seen.add(((ProcessEvent) e).kernel() instanceof ProcEvent.Exec x ? x.pid() + (end ? "!" : "") : "?");
            }

            @Override
            public void onEndOfBatch() {
                seen.add("flush");
            }
        }), (w, t) -> { }, () -> T);
        p.start();
        Pipeline.Publisher pub = p.publisher("device");
        CountDownLatch hold = new CountDownLatch(1);
        pub.publishDeferred(out -> {
            threads.add(Thread.currentThread().getName());
            try {
                hold.await(10, TimeUnit.SECONDS); // bounded; so that what follows is queued behind it: no end of batch yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.add(exec(1));
            out.add(exec(2));
        }, 2);
        pub.publishDeferred(out -> { }, 1); // everything in it filtered out: the cue to flush must still come
        hold.countDown();
        p.close(java.time.Duration.ofSeconds(10));
        assertThat(threads).containsExactly("upcall-dispatch");
        assertThat(seen).containsExactly("1", "2", "flush");
    }

    @Test
    void deferredWorkThatDoesNotFitIsCountedAsLoss() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Event> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Pipeline p = new Pipeline(4, List.of(), List.of((e, end) -> {
            release.await(10, TimeUnit.SECONDS); // bounded: the test releases it
            seen.add(e);
        }), (w, t) -> { }, () -> T);
        p.start();
        Pipeline.Publisher pub = p.publisher("device");
        pub.publishDeferred(out -> out.add(exec(1)), 4); // four messages: the queue is full
        pub.publishDeferred(out -> out.add(exec(2)), 3); // dropped, 3 counted
        release.countDown();
        pub.flush();
        p.close(java.time.Duration.ofSeconds(10));
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1)).isInstanceOfSatisfying(LossEvent.class, l -> assertThat(l.count()).isEqualTo(3));
    }

    // Fault injection, one test per path on which an event could once be lost without a loss event (issue 10).

    @Test
    void aDeferredBatchWhoseDecodingFailsIsReportedAsLossOnItsChannel() throws Exception {
        List<Event> seen = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Pipeline p = new Pipeline(100, List.of(), List.of((e, end) -> seen.add(e)), (w, t) -> errors.add(w), () -> T);
        p.start();
        p.publisher("device").publishDeferred(out -> {
            out.add(exec(1));
            throw new IllegalStateException("decoder bug");
        }, 3);
        p.publisher("device").publish(new Event[] {exec(2)}, 1);
        p.close(java.time.Duration.ofSeconds(10));
        assertThat(seen).hasSize(3);
        assertThat(seen.get(0)).isEqualTo(exec(1));
        assertThat(seen.get(1)).isInstanceOfSatisfying(LossEvent.class, l -> {
            assertThat(l.channel()).isEqualTo("device");
            assertThat(l.reason()).contains("decoding failed", "decoder bug", "3 messages");
        });
        assertThat(seen.get(2)).isEqualTo(exec(2));
        assertThat(errors).containsExactly("device decoding");
    }

    @Test
    void aSubscriberThatFailsOnAnEventIsToldInItsStreamThatItLostIt() throws Exception {
        List<Event> seen = new ArrayList<>();
        Subscriber flaky = (e, end) -> {
            if (e instanceof ProcessEvent pe && pe.kernel().subjectPid() == 2) {
                throw new java.io.IOException("disk full");
            }
            seen.add(e);
        };
        Pipeline p = new Pipeline(100, List.of(), List.of(flaky), (w, t) -> { }, () -> T);
        p.start();
        p.publisher("proc").publish(new Event[] {exec(1), exec(2), exec(3)}, 3);
        p.close(java.time.Duration.ofSeconds(10));
        assertThat(seen).hasSize(3);
        assertThat(seen.get(1)).isInstanceOfSatisfying(LossEvent.class, l -> {
            assertThat(l.count()).isEqualTo(1);
            assertThat(l.channel()).isEqualTo("proc");
            assertThat(l.reason()).contains("failed on a exec event", "disk full");
        });
    }

    @Test
    void anErrorInASubscriberDoesNotEndTheStreamNorSilenceLaterLoss() throws Exception {
        List<Event> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Subscriber failing = (e, end) -> {
            if (e instanceof ProcessEvent pe && pe.kernel().subjectPid() == 1) {
                throw new StackOverflowError("deep");
            }
        };
        Pipeline p = new Pipeline(4, List.of(), List.of(failing, (e, end) -> seen.add(e)), (w, t) -> { }, () -> T);
        p.start();
        Pipeline.Publisher in = p.publisher("proc");
        in.publish(new Event[] {exec(1)}, 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < 1000 && seen.isEmpty() && System.nanoTime() < deadline; i++) {
            Thread.sleep(10);
        }
        in.publish(new Event[] {exec(2), exec(3), exec(4), exec(5), exec(6)}, 5); // past the capacity of 4: dropped
        in.publish(new Event[] {exec(9)}, 1);
        p.close(java.time.Duration.ofSeconds(10));
        assertThat(seen).filteredOn(e -> e instanceof ProcessEvent).extracting(e -> ((ProcessEvent) e).kernel().subjectPid())
                .containsExactly(1, 9);
        assertThat(seen).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(LossEvent.class,
                l -> assertThat(l.count()).isEqualTo(5)));
    }

    @Test
    void aCloseThatGivesUpSaysHowManyEventsWereNotDelivered() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        Pipeline p = new Pipeline(100, List.of(), List.of((e, end) -> release.await(10, TimeUnit.SECONDS)),
                (w, t) -> errors.add(w + ": " + t.getMessage()), () -> T);
        p.start();
        p.publisher("proc").publish(new Event[] {exec(1), exec(2), exec(3)}, 3);
        try {
            assertThat(p.close(java.time.Duration.ofMillis(200))).isFalse();
            assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("close: 3 events still queued were not delivered"));
        } finally {
            release.countDown();
        }
    }

    @Test
    void eventsPublishedAfterTheStreamEndedAreToldToTheErrorHandler() throws Exception {
        List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        Pipeline p = new Pipeline(100, List.of(), List.of((e, end) -> { }), (w, t) -> errors.add(w + ": " + t.getMessage()),
                () -> T);
        p.start();
        Pipeline.Publisher late = p.publisher("hotplug");
        assertThat(p.close(java.time.Duration.ofSeconds(10))).isTrue();
        late.publish(new Event[] {exec(1), exec(2)}, 2);
        assertThat(errors).containsExactly("hotplug after the stream ended: 2 events published after the stream ended "
                + "were not delivered");
    }

    /** A stage that holds every exec of pid 1 until the stream ends (what exec parking does at the worst). */
    private static final class Holding implements EventStage {
        final List<Event> held = new ArrayList<>();

        @Override
        public Event process(Event e) {
            if (e instanceof ProcessEvent pe && pe.kernel().subjectTgid() == 1) {
                held.add(e);
                return null;
            }
            return e;
        }

        @Override
        public void release(Instant now, boolean all, java.util.function.Consumer<Event> out) {
            if (all) {
                held.forEach(out);
                held.clear();
            }
        }

        @Override
        public Instant nextRelease() {
            return held.isEmpty() ? null : Instant.MAX;
        }
    }

    @Test
    void whatAStageHoldsGoesThroughTheLaterStagesAndOutWhenTheStreamEnds() throws Exception {
        List<String> seen = new ArrayList<>();
        List<Integer> later = new ArrayList<>();
        EventStage after = e -> {
            later.add(((ProcessEvent) e).kernel().subjectTgid());
            return e;
        };
        Pipeline p = new Pipeline(100, List.of(new Holding(), after), List.of((e, end) -> seen.add(
                ((ProcessEvent) e).kernel().subjectTgid() + (end ? "!" : ""))), (w, t) -> { }, () -> T);
        p.start();
        p.publisher("proc").publish(new Event[] {exec(1), exec(2)}, 2);
        p.close(java.time.Duration.ofSeconds(10));
        assertThat(seen).containsExactly("2!", "1!");
        assertThat(later).containsExactly(2, 1);
    }
}
