package io.upcall.core.guard;

import static io.upcall.protocol.fanotify.Fanotify.FAN_ALLOW;
import static io.upcall.protocol.fanotify.Fanotify.FAN_CLASS_CONTENT;
import static io.upcall.protocol.fanotify.Fanotify.FAN_CLOEXEC;
import static io.upcall.protocol.fanotify.Fanotify.FAN_DENY;
import static io.upcall.protocol.fanotify.Fanotify.FAN_EVENT_ON_CHILD;
import static io.upcall.protocol.fanotify.Fanotify.FAN_MARK_ADD;
import static io.upcall.protocol.fanotify.Fanotify.FAN_MARK_MOUNT;
import static io.upcall.protocol.fanotify.Fanotify.FAN_NONBLOCK;
import static io.upcall.protocol.fanotify.Fanotify.FAN_OPEN_EXEC_PERM;
import static io.upcall.protocol.fanotify.Fanotify.FAN_OPEN_PERM;
import static io.upcall.protocol.fanotify.Fanotify.FAN_UNLIMITED_QUEUE;

import io.upcall.core.event.Event;
import io.upcall.core.event.EventSink;
import io.upcall.core.event.Producer;
import io.upcall.linux.Fanotify;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The permission guard: a fanotify group of class {@code FAN_CLASS_CONTENT} with {@code FAN_OPEN_PERM} and
 * {@code FAN_OPEN_EXEC_PERM} marks on the given paths, that answers every open and exec there with its
 * {@link GuardPolicy}'s verdict, and publishes each answer as an {@link AccessEvent}. It never hangs the host:
 *
 * <ul>
 * <li>one thread reads events and answers at once those of this process (the JVM must never wait on itself); it
 *     opens no file, and names the file by {@code readlink} of the event's fd in {@code /proc/self/fd};</li>
 * <li>a decision thread asks the policy, answers, and publishes; publishing never blocks (a full stream queue drops
 *     and reports {@code loss}). A policy that cannot block ({@link GuardPolicy#mayBlock()} false: rules on paths
 *     only) is asked on the reading thread instead, which answers at once and leaves the decision thread only the
 *     opener's context to add for the stream, in batches ({@link Outbox});</li>
 * <li>a watchdog answers, with {@link GuardOptions#onTimeout()}, every event not answered a little before its
 *     deadline, and starts a fresh decision thread when one stays stuck;</li>
 * <li>when the decision queue is full the reading thread answers with the on-timeout verdict itself;</li>
 * <li>closing answers what is still pending, then closes the group: the kernel drops the marks. If the process dies
 *     instead, the kernel closes the group and allows whatever was pending.</li>
 * </ul>
 * Needs CAP_SYS_ADMIN ({@code fanotify_init} refuses permission classes to anyone else).
 */
public final class Guard implements Producer {
    /** The {@code source} of its events and the {@code channel} of its loss reports. */
    public static final String CHANNEL = "access";
    /** {@code O_RDONLY | O_CLOEXEC | O_LARGEFILE}: how the kernel opens the fd each event carries. */
    static final int EVENT_F_FLAGS = 0x80000 | 0x8000;
    static final int DECISION_QUEUE = 4096;
    /** Decision threads left stuck in a policy or a {@code /proc} read before the watchdog stops starting more. */
    static final int MAX_STUCK_DECIDERS = 8;

    private final GuardOptions options;
    private final GuardPolicy policy;
    private final IntFunction<Opener> openers;
    private final int selfPid = NetlinkSocket.getpid();
    final ArrayBlockingQueue<Pending> decisions = new ArrayBlockingQueue<>(DECISION_QUEUE);
    /** Answered on the reading thread, waiting for the opener's context. */
    final Outbox outbox = new Outbox();
    /** Every pending event, in the order read, which is the order of their deadlines (one deadline for all). */
    final ConcurrentLinkedQueue<Pending> byDeadline = new ConcurrentLinkedQueue<>();
    final OpenerCache contexts;
    final AtomicLong selfAnswered = new AtomicLong();
    final AtomicLong answerFailures = new AtomicLong();
    private volatile boolean running;
    private Fanotify group;
    private Supplier<EventSink> sinks;
    private Thread reader;
    private Watchdog watchdog;
    private Thread watchdogThread;
    private volatile Decider decider;
    private int stuckDeciders;
    private boolean closed;

    Guard(GuardOptions options, GuardPolicy policy, IntFunction<Opener> openers) {
        this.options = options;
        this.policy = policy;
        this.openers = openers;
        this.contexts = new OpenerCache(openers);
    }

    /** A guard on {@code options.paths()} deciding with {@code policy}; {@link #start} places the marks. */
    public static Guard of(GuardOptions options, GuardPolicy policy) {
        return new Guard(options, policy, Openers::read);
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    public GuardOptions options() {
        return options;
    }

    /**
     * Opens the group, marks every path, starts the threads.
     *
     * @throws LinuxException EPERM without CAP_SYS_ADMIN; ENOENT for a path that does not exist; EINVAL when the
     *                        kernel lacks permission events ({@code CONFIG_FANOTIFY_ACCESS_PERMISSIONS})
     */
    @Override
    public synchronized void start(Supplier<EventSink> sinks) throws LinuxException {
        if (group != null) {
            throw new IllegalStateException("the guard was started already");
        }
        this.sinks = sinks;
        // FAN_UNLIMITED_QUEUE: with a bounded queue the kernel allows, unasked, a permission event that does not fit.
        Fanotify g = Fanotify.init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE, EVENT_F_FLAGS);
        try {
            for (Path p : options.paths()) {
                String path = p.toAbsolutePath().toString();
                long mask = FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM;
                if (options.mount()) {
                    g.mark(FAN_MARK_ADD | FAN_MARK_MOUNT, mask, path);
                } else {
                    g.mark(FAN_MARK_ADD, Files.isDirectory(p) ? mask | FAN_EVENT_ON_CHILD : mask, path);
                }
            }
        } catch (LinuxException e) {
            g.close();
            throw e;
        }
        group = g;
        running = true;
        watchdog = new Watchdog(this, options, sinks);
        startDecider();
        watchdogThread = Thread.ofPlatform().name("upcall-guard-watchdog").daemon().start(watchdog);
        reader = Thread.ofPlatform().name("upcall-guard-events").daemon()
                .start(new EventReader(this, g, options, selfPid, sinks));
    }

    boolean running() {
        return running;
    }

    GuardPolicy policy() {
        return policy;
    }

    IntFunction<Opener> openers() {
        return openers;
    }

    Decider decider() {
        return decider;
    }

    /** A first decision thread, or one to take over from a stuck one; false when too many are stuck already. */
    synchronized boolean startDecider() {
        if (decider != null) {
            if (stuckDeciders >= MAX_STUCK_DECIDERS) {
                return false;
            }
            stuckDeciders++;
            decider.retire();
        }
        Decider d = new Decider(this, options, sinks);
        decider = d;
        Thread.ofPlatform().name("upcall-guard-decide").daemon().start(d);
        return true;
    }

    /**
     * Writes {@code verdict} for {@code p}, then closes its fd; the caller has won {@link Pending#claim()}.
     *
     * @return the event saying so
     */
    AccessEvent answer(Pending p, Verdict verdict, String rule, boolean timedOut, Opener who) {
        int err = group.respond(p.fd(), verdict == Verdict.ALLOW ? FAN_ALLOW : FAN_DENY);
        long latency = (System.nanoTime() - p.readNanos()) / 1_000;
        Fanotify.closeEventFd(p.fd());
        if (err != 0) {
            answerFailures.incrementAndGet();
        }
        return new AccessEvent(Instant.now(), p.operation(), verdict, rule, p.path(), who != null ? who : Opener.unknown(p.pid()),
                latency, timedOut);
    }

    /** Answers an event that no {@link Pending} stands for (the reading thread failed on it). */
    void answerUnqueued(int fd, Verdict verdict) {
        if (group.respond(fd, verdict == Verdict.ALLOW ? FAN_ALLOW : FAN_DENY) != 0) {
            answerFailures.incrementAndGet();
        }
    }

    /**
     * The reading thread cannot go on: closes the group at once, so that the kernel allows whatever waits and
     * removes the marks. Answers the other threads still write then fail with EBADF, harmlessly.
     */
    void abandon() {
        running = false;
        group.close();
    }

    /** Answers this process's own event at once, allowing it: the JVM must never wait for itself. */
    void answerSelf(int fd, Fanotify.Scratch scratch) {
        selfAnswered.incrementAndGet(); // first: once answered, the opener may look at the count
        group.respond(fd, FAN_ALLOW);
        Fanotify.closeEventFd(fd, scratch);
    }

    /**
     * Writes {@code verdict} for an event only the reading thread knows of (no {@link Pending}); the caller closes the
     * fd after.
     *
     * @return whether the kernel took it
     */
    boolean respond(int fd, Verdict verdict) {
        return group.respond(fd, verdict == Verdict.ALLOW ? FAN_ALLOW : FAN_DENY) == 0;
    }

    /**
     * Stops the threads, answers what is pending with the on-timeout verdict, and closes the group (the kernel removes
     * the marks). Idempotent.
     */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            if (closed || group == null) {
                closed = true;
                return;
            }
            closed = true;
        }
        running = false;
        reader.join(2_000);
        watchdog.stop();
        watchdogThread.join(2_000);
        Decider d = decider;
        if (d != null) {
            d.retire();
            // A decider stuck in its policy is a daemon: its late claim fails and it answers nothing. One that is
            // only slow (a starved CPU) gets longer: it still has answered events to put into the stream.
            d.awaitEnd(d.busyFor(System.nanoTime()) >= 0 ? 1_000 : 5_000);
        }
        group.close();
        // Whatever no decider collected goes out now, without the opener's context, rather than die with the JVM.
        List<AccessEvent> left = outbox.drain();
        if (!left.isEmpty()) {
            EventSink sink = sinks.get();
            sink.publish(left.toArray(Event[]::new), left.size());
            sink.flush();
        }
    }

    /** Whether the watchdog runs at real-time priority (false when refused, or before it started). */
    public boolean watchdogRealtime() {
        return watchdog != null && watchdog.realtime();
    }

    /** This process's own accesses, answered at once without a decision (not in the stream). */
    public long selfAnswered() {
        return selfAnswered.get();
    }

    /** Answers the kernel did not take (the event was gone); zero in a healthy run. */
    public long answerFailures() {
        return answerFailures.get();
    }
}
