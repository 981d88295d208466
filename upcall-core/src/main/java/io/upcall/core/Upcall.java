package io.upcall.core;

import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The entry point: choose sources, subscribe, start; close to stop. For example:
 * <pre>{@code
 * try (Upcall upcall = Upcall.builder()
 *         .proc(ProcOptions.defaults())
 *         .subscribe((event, endOfBatch) -> System.out.println(event))
 *         .start()) {
 *     Thread.sleep(10_000);
 * }
 * }</pre>
 * Events reach subscribers on one dispatch thread, in the order the sources produced them. Closing
 * stops the sources (unsubscribing from the kernel), delivers what was already queued, then calls
 * each subscriber's {@link Subscriber#onClose()}.
 */
public final class Upcall implements AutoCloseable {
    private final Pipeline pipeline;
    private final ProcConnectorSource proc;
    private final UeventSource devices;
    private final HotplugRunner hotplug;
    private final List<String> warnings;
    private boolean closed;

    private Upcall(Pipeline pipeline, ProcConnectorSource proc, UeventSource devices, HotplugRunner hotplug,
            List<String> warnings) {
        this.pipeline = pipeline;
        this.proc = proc;
        this.devices = devices;
        this.hotplug = hotplug;
        this.warnings = warnings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Things that work, but not as asked (a smaller receive buffer, a filter done in user space). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** The proc connector socket's receive buffer, as the kernel reports it; 0 without a proc source. */
    public int procReceiveBuffer() {
        return proc != null ? proc.receiveBuffer() : 0;
    }

    /** True when the kernel filters proc event types for this listener. */
    public boolean procKernelFilter() {
        return proc != null && proc.kernelFilter();
    }

    /**
     * Stops the sources, delivers what they queued, and ends the stream. Safe to call more than once;
     * from a subscriber (the dispatch thread) it stops the sources and returns without waiting. Waits
     * at most ten seconds for subscribers to drain (a subscriber blocked on its output must not hang
     * the caller); see {@link #close(Duration)}.
     */
    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(10));
    }

    /**
     * Like {@link #close()}, waiting at most {@code patience} for the subscribers to drain. With hotplug rules,
     * the last device events still reach the rules first; programs already running get {@code patience} to
     * finish, then are stopped (SIGTERM, then SIGKILL), and actions not yet started are reported as loss.
     * @return true when every queued event was delivered and subscribers were closed in time
     */
    public synchronized boolean close(Duration patience) throws InterruptedException {
        if (closed) {
            return true;
        }
        closed = true;
        if (proc != null) {
            proc.close();
        }
        if (devices != null) {
            devices.close();
        }
        if (hotplug != null) {
            long deadline = System.nanoTime() + patience.toNanos();
            hotplug.close(deadline, pipeline.sync(patience));
        }
        return pipeline.close(patience);
    }

    /** Whether each source works on this machine, and why not: what {@code upcall doctor} prints. */
    public static List<Availability> checkSources() {
        return List.of(ProcConnectorProbe.check(KernelVersion.running()), UeventProbe.check());
    }

    /** Configures an {@link Upcall}. */
    public static final class Builder {
        private ProcOptions proc;
        private boolean processContext = true;
        private boolean ancestors;
        private int pid = ProcessStage.NONE;
        private int tree = ProcessStage.NONE;
        private boolean includeSelf;
        private int queueCapacity = 65_536;
        private final List<Subscriber> subscribers = new ArrayList<>();
        private ErrorHandler errors = ErrorHandler.logging();
        private Clock clock = Clock.systemUTC();
        private RawTap tap;
        private DeviceOptions devices;
        private boolean skipUnavailable;
        private long batchDelayNanos = NetlinkReader.DEFAULT_BATCH_DELAY_NANOS;
        private HotplugRules hotplug;

        private Builder() {}

        /** Listens to the proc connector (fork, exec, exit, ...). */
        public Builder proc(ProcOptions options) {
            this.proc = Objects.requireNonNull(options);
            return this;
        }

        /** Listens to uevents (device hotplug and the kernel events layer). */
        public Builder devices(DeviceOptions options) {
            this.devices = Objects.requireNonNull(options);
            return this;
        }

        /**
         * Runs {@code rules} on the kernel's uevents (those the {@link #devices} options keep): each match runs
         * its program, and its outcome is an {@link ActionEvent} in the stream. Needs {@link #devices}.
         */
        public Builder hotplug(HotplugRules rules) {
            this.hotplug = Objects.requireNonNull(rules);
            return this;
        }

        /**
         * Whether a chosen source the kernel refuses is left out with a warning (what {@code upcall monitor}
         * wants: every source that works) instead of failing {@link #start()}; at least one must start.
         */
        public Builder skipUnavailable(boolean on) {
            this.skipUnavailable = on;
            return this;
        }

        /** Whether process events carry a {@code process} object (default true). */
        public Builder processContext(boolean on) {
            this.processContext = on;
            return this;
        }

        /** Whether the {@code process} object lists its ancestors (default false). */
        public Builder ancestors(boolean on) {
            this.ancestors = on;
            return this;
        }

        /** Keeps only process events about {@code pid}. */
        public Builder pid(int pid) {
            this.pid = positive(pid, "pid");
            return this;
        }

        /** Keeps only process events of {@code root} and its descendants. */
        public Builder tree(int root) {
            this.tree = positive(root, "tree root pid");
            return this;
        }

        /** Whether to report this JVM's own thread events (default false: they are Upcall's own noise). */
        public Builder includeSelf(boolean on) {
            this.includeSelf = on;
            return this;
        }

        /**
         * How long a source waits after a partial batch before it reads again (default 2 ms): up to this much
         * latency per event, in exchange for far fewer wake-ups and much less CPU under load (BENCHMARKS.md).
         * Zero delivers every event as soon as it is read, for latency-sensitive uses.
         */
        public Builder batchDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("batch delay must not be negative, not " + delay);
            }
            this.batchDelayNanos = delay.toNanos();
            return this;
        }

        /** Events Upcall holds for slow subscribers before it drops (and reports) the excess. */
        public Builder queueCapacity(int events) {
            this.queueCapacity = positive(events, "queue capacity");
            return this;
        }

        public Builder subscribe(Subscriber subscriber) {
            subscribers.add(Objects.requireNonNull(subscriber));
            return this;
        }

        public Builder errorHandler(ErrorHandler handler) {
            this.errors = Objects.requireNonNull(handler);
            return this;
        }

        /** Sees every raw datagram before it is decoded, on the source thread (what {@code upcall record} uses). */
        public Builder rawTap(RawTap rawTap) {
            this.tap = Objects.requireNonNull(rawTap);
            return this;
        }

        /** The wall clock for event times (tests inject a fixed one). */
        public Builder clock(Clock wallClock) {
            this.clock = Objects.requireNonNull(wallClock);
            return this;
        }

        private static int positive(int value, String what) {
            if (value <= 0) {
                throw new IllegalArgumentException(what + " must be positive, not " + value);
            }
            return value;
        }

        /**
         * Opens and subscribes every chosen source, then starts delivering.
         * @throws LinuxException when the kernel refuses a source (the message names the call and errno)
         */
        public Upcall start() throws LinuxException {
            if (proc == null && devices == null) {
                throw new IllegalStateException("no source chosen: call proc(...) or devices(...)");
            }
            if (hotplug != null && devices == null) {
                throw new IllegalStateException("hotplug rules act on device events: call devices(...) too");
            }
            List<String> warnings = new CopyOnWriteArrayList<>();
            boolean needTable = proc != null && (processContext || tree != ProcessStage.NONE);
            ProcessTable table = needTable
                    ? new ProcessTable(ProcFs.system(), new UserNames(Path.of("/etc/passwd")))
                    : null;
            ProcessStage stage = new ProcessStage(table, processContext, ancestors, pid, tree,
                    includeSelf ? ProcessStage.NONE : NetlinkSocket.getpid(),
                    proc != null ? proc.kernelMask() : 0);
            WallClock wall = new WallClock(clock, System::nanoTime);
            List<Subscriber> all = new ArrayList<>(subscribers);
            HotplugRunner runner = null;
            if (hotplug != null) {
                runner = new HotplugRunner(hotplug, new ActionExecution(new ProcessLauncher(), clock::instant, System::nanoTime,
                        ActionExecution.DEFAULT_GRACE_NANOS), clock::instant, HotplugRunner.DEFAULT_MAX_BACKLOG);
                all.add(runner); // last: the stream shows a uevent before any outcome of it
            }
            Pipeline pipeline = new Pipeline(queueCapacity, stage, all, errors, wall::now);
            if (runner != null) {
                runner.start(pipeline.publisher(HotplugRunner.CHANNEL));
            }
            // The dispatch thread starts first, so that its birth is not an event of the stream it carries.
            pipeline.start();
            ProcConnectorSource procSource = null;
            UeventSource deviceSource = null;
            LinuxException refusal = null; // the first source the kernel refused
            if (proc != null) {
                // Each source thread gets its own clock: WallClock keeps per-thread state.
                procSource = new ProcConnectorSource(proc, needTable ? ProcessStage.TABLE_TYPES : 0,
                        new WallClock(clock, System::nanoTime), KernelVersion.running(), warnings::add, errors, tap, batchDelayNanos);
                try {
                    procSource.start(pipeline.publisher(ProcConnectorSource.CHANNEL));
                } catch (LinuxException e) {
                    refusal = e;
                    procSource = null;
                    leaveOut("proc", e, warnings);
                }
            }
            if (devices != null && (refusal == null || skipUnavailable)) {
                deviceSource = new UeventSource(devices, new WallClock(clock, System::nanoTime), warnings::add, errors, tap,
                        batchDelayNanos);
                try {
                    deviceSource.start(pipeline.publisher(UeventDatagrams.CHANNEL));
                } catch (LinuxException e) {
                    refusal = refusal != null ? refusal : e;
                    deviceSource = null;
                    leaveOut("device", e, warnings);
                }
            }
            if (refusal != null && (!skipUnavailable || (procSource == null && deviceSource == null))) {
                closeQuietly(procSource);
                closeQuietly(deviceSource);
                try {
                    if (runner != null) {
                        runner.close(System.nanoTime(), false);
                    }
                    pipeline.close(Duration.ofSeconds(1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw refusal;
            }
            if (runner != null && deviceSource == null) {
                warnings.add("hotplug rules will not run: the device source is left out");
            }
            return new Upcall(pipeline, procSource, deviceSource, runner, warnings);
        }

        /** With {@link #skipUnavailable}, a refused source is left out with a warning. */
        private void leaveOut(String source, LinuxException e, List<String> warnings) {
            if (skipUnavailable) {
                warnings.add(source + " source unavailable, left out: " + e.getMessage());
            }
        }

        private static void closeQuietly(AutoCloseable source) {
            if (source != null) {
                try {
                    source.close();
                } catch (Exception e) {
                    // already failing: the refusal is what the caller needs to see
                }
            }
        }
    }
}
