package io.upcall.core;

import io.upcall.core.capture.CaptureReplay;
import io.upcall.core.channel.Availability;
import io.upcall.core.channel.CaptureLink;
import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelOptions;
import io.upcall.core.channel.Channels;
import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.EventStage;
import io.upcall.core.channel.LiveChannel;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.core.channel.RawTap;
import io.upcall.core.channel.StreamContext;
import io.upcall.core.channel.WallClock;
import io.upcall.core.event.ErrorHandler;
import io.upcall.core.event.Producer;
import io.upcall.core.event.Reaction;
import io.upcall.core.event.Subscriber;
import io.upcall.core.pipeline.LiveContext;
import io.upcall.core.pipeline.Pipeline;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * The entry point: choose channels, subscribe, start; close to stop. For example:
 * <pre>{@code
 * try (Upcall upcall = Upcall.builder()
 *         .source(ProcOptions.defaults())
 *         .subscribe((event, endOfBatch) -> System.out.println(event))
 *         .start()) {
 *     Thread.sleep(10_000);
 * }
 * }</pre>
 * Events reach subscribers on one dispatch thread, in the order the channels produced them. Closing
 * stops the channels (unsubscribing from the kernel), delivers what was already queued, then calls
 * each subscriber's {@link Subscriber#onClose()}. The same builder replays a capture instead
 * ({@link Builder#replay}), through the same decoders, stages and subscribers.
 */
public final class Upcall implements AutoCloseable {
    private final Pipeline pipeline;
    private final Map<String, LiveChannel> channels;
    private final List<Reaction> reactions;
    private final List<Producer> producers;
    private final List<String> warnings;
    private boolean closed;

    private Upcall(Pipeline pipeline, Map<String, LiveChannel> channels, List<Reaction> reactions, List<Producer> producers,
            List<String> warnings) {
        this.pipeline = pipeline;
        this.channels = channels;
        this.reactions = reactions;
        this.producers = producers;
        this.warnings = warnings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Things that work, but not as asked (a smaller receive buffer, a filter done in user space), each once: the
     * sources of {@code monitor} hit the same buffer cap and would say so twice.
     */
    public List<String> warnings() {
        return warnings.stream().distinct().toList();
    }

    /** The channel of that name as it runs, if it started. */
    public Optional<LiveChannel> channel(String name) {
        return Optional.ofNullable(channels.get(name));
    }

    /**
     * Stops the channels, delivers what they queued, and ends the stream. Safe to call more than once;
     * from a subscriber (the dispatch thread) it stops the channels and returns without waiting. Waits
     * at most ten seconds for subscribers to drain (a subscriber blocked on its output must not hang
     * the caller); see {@link #close(Duration)}.
     */
    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(10));
    }

    /**
     * Like {@link #close()}, waiting at most {@code patience} for the subscribers to drain. Reactions (hotplug rules)
     * see the last events first; programs already running get {@code patience} to finish, then are stopped, and
     * actions not yet started are reported as loss.
     * @return true when every queued event was delivered and subscribers were closed in time
     */
    public synchronized boolean close(Duration patience) throws InterruptedException {
        if (closed) {
            return true;
        }
        closed = true;
        for (LiveChannel c : channels.values()) {
            c.close();
        }
        for (Producer p : producers) {
            p.close();
        }
        Builder.closeReactions(reactions, pipeline, patience);
        return pipeline.close(patience);
    }

    /** Whether each registered channel works on this machine, and why not: what {@code upcall doctor} prints. */
    public static List<Availability> checkSources() {
        return Channels.all().stream().map(Channel::probe).toList();
    }

    /** Configures an {@link Upcall}. */
    public static final class Builder {
        /** The default pause after a partial batch; {@code -Dupcall.batchDelayNanos} sets another (BENCHMARKS.md). */
        private static final long DEFAULT_BATCH_DELAY_NANOS = Long.getLong("upcall.batchDelayNanos", 2_000_000L);

        /** By channel name: options given twice for one channel replace each other, whichever instance made them. */
        private final Map<String, ChannelOptions> sources = new LinkedHashMap<>();
        private int queueCapacity = 65_536;
        private final List<Subscriber> subscribers = new ArrayList<>();
        private final List<Reaction> reactions = new ArrayList<>();
        private final List<Producer> producers = new ArrayList<>();
        private ErrorHandler errors = ErrorHandler.logging();
        private Clock clock = Clock.systemUTC();
        private RawTap tap;
        private boolean skipUnavailable;
        private long batchDelayNanos = DEFAULT_BATCH_DELAY_NANOS;

        private Builder() {}

        /**
         * Listens to the channel these options are for ({@code ProcOptions}, {@code DeviceOptions}, ...); given again
         * for the same channel, the later options replace the earlier.
         */
        public Builder source(ChannelOptions options) {
            sources.put(options.channel().name(), Objects.requireNonNull(options));
            return this;
        }

        /**
         * Listens to every registered channel that {@linkplain Channel#joinsMonitor() joins by default}, each with its
         * default options and {@code receiveBuffer} bytes.
         */
        public Builder allSources(int receiveBuffer) {
            for (Channel<?> c : Channels.all()) {
                if (c.joinsMonitor()) {
                    source(c.defaults().withReceiveBuffer(receiveBuffer));
                }
            }
            return this;
        }

        /**
         * Whether a chosen channel the kernel refuses is left out with a warning (what {@code upcall monitor}
         * wants: every channel that works) instead of failing {@link #start()}; at least one must start.
         */
        public Builder skipUnavailable(boolean on) {
            this.skipUnavailable = on;
            return this;
        }

        /**
         * How long a channel waits after a partial batch before it reads again (default 2 ms): up to this much
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
            if (events <= 0) {
                throw new IllegalArgumentException("queue capacity must be positive, not " + events);
            }
            this.queueCapacity = events;
            return this;
        }

        public Builder subscribe(Subscriber subscriber) {
            subscribers.add(Objects.requireNonNull(subscriber));
            return this;
        }

        /** Adds a reaction (hotplug rules: {@code HotplugRunner.of(rules)}); reactions see each event after subscribers. */
        public Builder react(Reaction reaction) {
            reactions.add(Objects.requireNonNull(reaction));
            return this;
        }

        /**
         * Adds a producer (the permission guard): events it makes itself, into the same stream. A stream may have
         * producers and no channel.
         */
        public Builder produce(Producer producer) {
            producers.add(Objects.requireNonNull(producer));
            return this;
        }

        public Builder errorHandler(ErrorHandler handler) {
            this.errors = Objects.requireNonNull(handler);
            return this;
        }

        /** Sees every raw message before it is decoded, on the channel's thread (what {@code upcall record} uses). */
        public Builder rawTap(RawTap rawTap) {
            this.tap = Objects.requireNonNull(rawTap);
            return this;
        }

        /** The wall clock for event times (tests inject a fixed one). */
        public Builder clock(Clock wallClock) {
            this.clock = Objects.requireNonNull(wallClock);
            return this;
        }

        /**
         * Opens and subscribes every chosen channel, then starts delivering.
         * @throws LinuxException when the kernel refuses a channel (the message names the call and errno)
         */
        public Upcall start() throws LinuxException {
            if (sources.isEmpty() && producers.isEmpty()) {
                throw new IllegalStateException("no source chosen: call source(...), e.g. source(ProcOptions.defaults())");
            }
            List<String> warnings = new CopyOnWriteArrayList<>();
            Pipeline pipeline = pipeline(new StreamContext(true, NetlinkSocket.getpid()));
            // The dispatch thread starts first, so that its birth is not an event of the stream it carries.
            pipeline.start();
            Map<String, LiveChannel> live = new LinkedHashMap<>();
            LinuxException refusal = null; // the first channel the kernel refused
            for (ChannelOptions options : sources.values()) {
                Channel<?> channel = options.channel();
                if (refusal != null && !skipUnavailable) {
                    break;
                }
                // Each channel thread gets its own clock: WallClock keeps per-thread state.
                LiveContext context = new LiveContext(channel, pipeline.publisher(channel.name()), tap,
                        new WallClock(clock, System::nanoTime), batchDelayNanos, warnings::add, errors);
                try {
                    live.put(channel.name(), open(channel, options, context));
                } catch (LinuxException ex) {
                    refusal = refusal != null ? refusal : ex;
                    if (skipUnavailable) {
                        warnings.add(channel.name() + " source unavailable, left out: " + ex.getMessage());
                    }
                }
            }
            List<Producer> started = new ArrayList<>();
            LinuxException producerRefusal = null; // a producer (the guard) is never optional: it was asked for by name
            for (int i = 0; i < producers.size() && producerRefusal == null && (refusal == null || skipUnavailable); i++) {
                Producer p = producers.get(i);
                try {
                    p.start(() -> pipeline.publisher(p.channel()));
                    started.add(p);
                } catch (LinuxException ex) {
                    producerRefusal = ex;
                }
            }
            if (producerRefusal != null || refusal != null && (!skipUnavailable || live.isEmpty() && started.isEmpty())) {
                refusal = producerRefusal != null ? producerRefusal : refusal;
                for (LiveChannel c : live.values()) {
                    closeQuietly(c);
                }
                for (Producer p : started) {
                    try {
                        p.close();
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }
                try {
                    closeReactions(reactions, pipeline, Duration.ZERO);
                    pipeline.close(Duration.ofSeconds(1));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                throw refusal;
            }
            return new Upcall(pipeline, live, List.copyOf(reactions), List.copyOf(started), warnings);
        }

        /**
         * Replays {@code capture} through the chosen channels (every registered one when none was chosen), on this
         * thread, into the subscribers, as live input would go; returns when every event was delivered and the
         * subscribers closed, or early when {@code stop} says so (a subscriber's {@code --count} reached).
         * Process context is not attached: {@code /proc} describes this machine now, not the capture.
         */
        public CaptureReplay.Summary replay(byte[] capture, BooleanSupplier stop) throws InterruptedException {
            if (sources.isEmpty()) { // every channel a capture may hold, those that join only when asked too
                for (Channel<?> c : Channels.all()) {
                    source(c.defaults());
                }
            }
            CaptureReplay replay = new CaptureReplay(capture);
            Pipeline pipeline = pipeline(new StreamContext(false, replay.recorderPid()));
            pipeline.start();
            Map<CaptureLink, CaptureReplay.Route> routes = new LinkedHashMap<>();
            for (ChannelOptions options : sources.values()) {
                Channel<?> channel = options.channel();
                routes.put(channel.link(), new CaptureReplay.Route(decoder(channel, options),
                        pipeline.waitingPublisher(channel.name())));
            }
            CaptureReplay.Summary summary;
            try {
                summary = replay.feed(routes, stop);
            } finally {
                Duration patience = Duration.ofDays(1); // a replay waits for its reader, as cat does
                closeReactions(reactions, pipeline, patience);
                pipeline.close(patience);
            }
            return summary;
        }

        /** The pipeline with every chosen channel's stage, the subscribers, and the reactions last. */
        private Pipeline pipeline(StreamContext stream) {
            List<EventStage> stages = new ArrayList<>();
            for (ChannelOptions options : sources.values()) {
                EventStage stage = stage(options.channel(), options, stream);
                if (stage != null) {
                    stages.add(stage);
                }
            }
            List<Subscriber> all = new ArrayList<>(subscribers);
            all.addAll(reactions); // last: the stream shows an event before any outcome of it
            WallClock wall = new WallClock(clock, System::nanoTime);
            Pipeline pipeline = new Pipeline(queueCapacity, stages, all, errors, wall::now);
            for (Reaction r : reactions) {
                r.start(pipeline.publisher(r.channel()));
            }
            return pipeline;
        }

        /** The options were checked to be this channel's when given ({@link #source}). */
        @SuppressWarnings("unchecked")
        private static <O extends ChannelOptions> EventStage stage(Channel<O> channel, ChannelOptions options,
                StreamContext stream) {
            return channel.stage((O) options, stream);
        }

        @SuppressWarnings("unchecked")
        private static <O extends ChannelOptions> LiveChannel open(Channel<O> channel, ChannelOptions options,
                LiveContext context) throws LinuxException {
            return channel.open((O) options, context);
        }

        @SuppressWarnings("unchecked")
        private <O extends ChannelOptions> MessageDecoder decoder(Channel<O> channel,
                ChannelOptions options) {
            return channel.decoder((O) options, DecodeContext.replay(errors));
        }

        /** Reactions see the last events, then finish what they run by the deadline (or stop it). */
        static void closeReactions(List<Reaction> reactions, Pipeline pipeline, Duration patience)
                throws InterruptedException {
            if (reactions.isEmpty()) {
                return;
            }
            long deadline = System.nanoTime() + patience.toNanos();
            boolean drained = pipeline.sync(patience);
            for (Reaction r : reactions) {
                r.close(deadline, drained);
            }
        }

        private static void closeQuietly(AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // already failing: the refusal is what the caller needs to see
            }
        }
    }
}
