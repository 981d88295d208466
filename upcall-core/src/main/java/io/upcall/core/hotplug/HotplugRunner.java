package io.upcall.core.hotplug;

import io.upcall.core.device.DeviceEvent;
import io.upcall.core.event.Event;
import io.upcall.core.event.EventSink;
import io.upcall.core.event.LossEvent;
import io.upcall.core.event.Reaction;
import io.upcall.protocol.uevent.Uevent;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs hotplug rules. A subscriber on the dispatch thread: each kernel {@link DeviceEvent} (only those: a
 * rejected, forged message is never one, and udev's re-broadcast of a uevent is left out so that it does not
 * run twice) is matched against every rule, and each match queues an action for its device. Per device the
 * actions run one at a time in {@code SEQNUM} order; a pool of {@code maxJobs} threads runs devices side by
 * side. Each outcome goes into the stream as an {@link ActionEvent} through a publisher of its own, so a full
 * queue drops it with the same loss report as any event. The backlog is bounded too: what does not fit is not
 * run, and reported as loss.
 */
public final class HotplugRunner implements Reaction {
    static final String CHANNEL = "hotplug";
    static final int DEFAULT_MAX_BACKLOG = 10_000;

    private static final Comparator<ActionExecution.Action> SEQNUM_ORDER = Comparator
            .comparingLong((ActionExecution.Action a) -> a.uevent().seqnum()).thenComparingLong(ActionExecution.Action::order);

    private final List<RuleMatcher> rules;
    private final ActionExecution execution;
    private final Supplier<Instant> now;
    private final int maxBacklog;
    private final ExecutorService workers;
    private final Object lock = new Object();
    /** Per devpath, the actions not yet started; a device is here while one of its actions runs. */
    private final Map<String, PriorityQueue<ActionExecution.Action>> devices = new HashMap<>();
    private int backlog;
    private long notRun;
    private long order;
    private boolean closed;
    private EventSink out;

    HotplugRunner(HotplugRules rules, ActionExecution execution, Supplier<Instant> now, int maxBacklog) {
        this.rules = RuleMatcher.compile(rules.rules());
        this.execution = execution;
        this.now = now;
        this.maxBacklog = maxBacklog;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(rules.maxJobs(), rules.maxJobs(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> Thread.ofPlatform().daemon().name("upcall-hotplug-" + n.incrementAndGet())
                        .unstarted(r));
        pool.allowCoreThreadTimeOut(true); // no idle threads kept between bursts of uevents
        this.workers = pool;
    }

    /**
     * A runner of {@code rules}: each match runs its program ({@link ProcessLauncher}), on the system clock. Give it to
     * {@code Upcall.Builder.react}; it acts on the kernel's uevents of the stream.
     */
    public static HotplugRunner of(HotplugRules rules) {
        return new HotplugRunner(rules, new ActionExecution(new ProcessLauncher(), Instant::now, System::nanoTime,
                ActionExecution.DEFAULT_GRACE_NANOS), Instant::now, DEFAULT_MAX_BACKLOG);
    }

    /**
     * Why its programs run without a cgroup of their own (not root, no delegated cgroup v2, ...), so that a child that
     * double-forks outlives its program and its timeout; null when each program has one. Worth a warning at start.
     */
    public String uncontained() {
        return execution.launcher() instanceof ProcessLauncher p ? p.uncontained() : null;
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    /** Where outcomes go; before the first event. */
    @Override
    public void start(EventSink sink) {
        this.out = sink;
    }

    @Override
    public void onEvent(Event event, boolean endOfBatch) {
        if (!(event instanceof DeviceEvent de) || de.uevent().udev()) {
            return;
        }
        Uevent u = de.uevent();
        for (RuleMatcher rule : rules) {
            if (rule.matches(u)) {
                enqueue(rule, u);
            }
        }
    }

    private void enqueue(RuleMatcher rule, Uevent u) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (backlog >= maxBacklog) {
                notRun++;
                return;
            }
            if (notRun > 0) {
                publish(backlogLoss(notRun)); // in place: before any outcome of the action that fits again
                notRun = 0;
            }
            backlog++;
            ActionExecution.Action a = new ActionExecution.Action(rule, u, rule.argv(u), order++);
            PriorityQueue<ActionExecution.Action> queue = devices.get(u.devpath());
            if (queue == null) {
                queue = new PriorityQueue<>(SEQNUM_ORDER);
                devices.put(u.devpath(), queue);
                queue.add(a);
                workers.execute(() -> runNext(u.devpath()));
            } else {
                queue.add(a);
            }
        }
    }

    /** Runs the device's next action, then hands the device back to the pool (behind other devices) or lets it go. */
    private void runNext(String devpath) {
        ActionExecution.Action a;
        synchronized (lock) {
            PriorityQueue<ActionExecution.Action> queue = devices.get(devpath);
            a = queue == null ? null : queue.poll();
            if (a == null) {
                devices.remove(devpath);
                return;
            }
            backlog--;
        }
        publish(execution.run(a));
        synchronized (lock) {
            PriorityQueue<ActionExecution.Action> queue = devices.get(devpath);
            if (queue != null && !queue.isEmpty() && !closed) {
                workers.execute(() -> runNext(devpath));
            } else {
                devices.remove(devpath);
            }
        }
    }

    private void publish(Event e) {
        // The publisher keeps drop counts in plain fields: one thread at a time. Never blocks, so it may run under lock.
        synchronized (out) {
            out.publish(new Event[] {e}, 1);
        }
    }

    private LossEvent backlogLoss(long count) {
        return new LossEvent(now.get(), CHANNEL, count, "hotplug backlog full (" + maxBacklog
                + " actions waiting): these actions were not run");
    }

    /**
     * Runs nothing more: actions not yet started are reported as loss; running programs may finish until
     * {@code deadlineNanos} (of {@link System#nanoTime()}), then are stopped and reported. Pending loss reports
     * are forced into the stream. Called after the last device event was delivered; with {@code wait} false
     * (closing from the dispatch thread, which must not block) running programs are stopped without waiting.
     */
    @Override
    public void close(long deadlineNanos, boolean wait) throws InterruptedException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (notRun > 0) {
                publish(backlogLoss(notRun));
            }
            if (backlog > 0) {
                publish(new LossEvent(now.get(), CHANNEL, backlog, "Upcall closed: these hotplug actions were not run"));
            }
            notRun = 0;
            backlog = 0;
            devices.values().forEach(PriorityQueue::clear);
        }
        workers.shutdown();
        if (!wait) {
            workers.shutdownNow();
            return;
        }
        if (!workers.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            workers.shutdownNow(); // interrupts: each running program is stopped and its outcome reported
            workers.awaitTermination(execution.stopNanos(), TimeUnit.NANOSECONDS);
        }
        if (out != null) {
            synchronized (out) {
                out.flush();
            }
        }
    }
}
