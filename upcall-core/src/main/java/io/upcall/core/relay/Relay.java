package io.upcall.core.relay;

import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.core.event.Subscriber;
import io.upcall.core.proc.ProcChannel;
import io.upcall.core.proc.ProcEventType;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.core.procfs.ProcFs;
import io.upcall.linux.Errno;
import io.upcall.linux.Signals;
import io.upcall.protocol.cnproc.ProcEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Relay fork: tells registered parties about every fork (and, if they ask, exec and exit), the contract of
 * the 2005 "relay fork" proposal built on the proc connector. A process is told by a queued signal that
 * carries the pid as {@code si_value.sival_int} (sent through a pidfd, so a recycled pid is never signalled);
 * JVM code is told by a {@link RelayListener} callback.
 *
 * <p>A relay is a {@link Subscriber}: give it to an {@link io.upcall.core.Upcall} that listens to the proc connector with at
 * least fork, exec and exit, preferably with {@code processContext(false)} and {@code batchDelay(Duration.ZERO)}
 * for the shortest fork-to-signal time:
 * <pre>{@code
 * Relay relay = Relay.create();
 * relay.register(RelayFilter.forks().withTree(pid), (type, child) -> System.out.println("born: " + child));
 * Upcall upcall = Upcall.builder().source(ProcOptions.defaults().withProcessContext(false))
 *         .batchDelay(Duration.ZERO).subscribe(relay).start();
 * }</pre>
 * A registered process is removed when it exits. A full signal queue (EAGAIN) is counted against that
 * registrant and never blocks the relay. A process registered by an unprivileged user is signalled only while
 * {@code kill(2)} would let that user signal it: each signal is checked against its uids of the moment.
 */
public final class Relay implements Subscriber {
    /** glibc's {@code SIGRTMIN}: the first real-time signal an ordinary program may use. */
    public static final int DEFAULT_SIGNAL = Signals.SIGRTMIN;
    private static final int SIGSTOP = 19;

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final RelayTrees trees;
    /** Runs the {@code /proc} scans after a loss; shut down with the stream when it is an executor service. */
    private final Executor reseeder;
    private volatile int defaultSignal = DEFAULT_SIGNAL;

    /** @param reseeder where trees are seeded again after a loss: never the dispatch thread in production */
    Relay(ProcFs procFs, Executor reseeder) {
        this.trees = new RelayTrees(procFs, reseeder);
        this.reseeder = reseeder;
    }

    public static Relay create() {
        return new Relay(ProcFs.system(),
                Executors.newSingleThreadExecutor(Thread.ofPlatform().name("upcall-relay-trees").daemon().factory()));
    }

    /** A callback registration; closing it unregisters. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Calls {@code listener} for every event {@code filter} passes, until the returned registration is closed. */
    public Registration register(RelayFilter filter, RelayListener listener) {
        CallbackEntry entry = new CallbackEntry(filter, listener);
        follow(entry);
        entries.add(entry);
        return () -> {
            if (entries.remove(entry)) {
                unfollow(entry);
            }
        };
    }

    /** Seeds a registration's tree from {@code /proc} on the calling thread, never the dispatch thread. */
    private void follow(Entry entry) {
        if (entry.tree != null) {
            trees.add(entry.tree);
        }
    }

    private void unfollow(Entry entry) {
        if (entry.tree != null) {
            trees.remove(entry.tree);
        }
    }

    /**
     * Refuses signals no registrant should get by default: 32 and 33 lie inside glibc's reserved real-time
     * range (its thread library uses them for cancellation and set*id), so queueing them to an ordinary
     * program breaks it. The 2005 proposal's default was 33.
     * @throws IllegalArgumentException with the reason
     */
    public static void checkSignal(int signal) {
        if (signal == Signals.SIGKILL || signal == SIGSTOP) {
            throw new IllegalArgumentException("signal " + signal + " (" + Signals.name(signal) + ") cannot be caught, "
                    + "blocked or ignored, so every registrant would " + (signal == SIGSTOP ? "stop" : "die")
                    + " at its first event; use a real-time signal such as SIGRTMIN");
        }
        if (signal == 32 || signal == 33) {
            throw new IllegalArgumentException("signal " + signal + " is reserved by glibc's thread library (it uses 32 "
                    + "and 33 internally), so an ordinary program must not receive it; use SIGRTMIN (34) or above");
        }
        if (signal < 1 || signal > Signals.SIGRTMAX) {
            throw new IllegalArgumentException("signal " + signal + " does not exist: give 1 to " + Signals.SIGRTMAX);
        }
    }

    public int defaultSignal() {
        return defaultSignal;
    }

    /** Sets the signal sent to registrants that did not choose their own. */
    public void defaultSignal(int signal) {
        checkSignal(signal);
        defaultSignal = signal;
    }

    /**
     * Registers {@code target} to be signalled; a registration of the same live process replaces the one before.
     * Proving the target and the asker's right to it is the caller's business (see {@link RelayServer}); the relay
     * keeps checking that right at every signal. On success the relay owns {@code target}, otherwise the caller.
     *
     * @param signal      the signal to send, or 0 for the relay's default
     * @param maxPerOwner how many processes one uid may have registered at once
     * @throws IllegalArgumentException for a signal no one should get, or when the asker has too many registrations
     */
    RelayRegistrant registerSignal(RelayTarget target, int signal, RelayFilter filter, int maxPerOwner) {
        if (signal != 0) {
            checkSignal(signal);
        }
        SignalEntry entry = new SignalEntry(filter, target, signal);
        follow(entry);
        synchronized (this) {
            long owned = entries.stream().filter(e -> e instanceof SignalEntry s && s.target.owner() == target.owner()
                    && s.target.pid() != target.pid()).count();
            if (owned >= maxPerOwner) {
                unfollow(entry);
                throw new IllegalArgumentException("uid " + target.owner() + " has " + owned + " processes registered, "
                        + "the most this relay allows per user (relay serve --max-per-uid); unregister one first");
            }
            unregister(target.pid());
            entries.add(entry);
        }
        return entry.describe(defaultSignal);
    }

    /** @return whether {@code pid} was registered */
    synchronized boolean unregister(int pid) {
        for (Entry e : entries) {
            if (e instanceof SignalEntry s && s.target.pid() == pid) {
                remove(s);
                return true;
            }
        }
        return false;
    }

    /**
     * On an exit event: removes the registration of {@code tgid} only if its process has exited. The event may be
     * late, and the pid may since belong to another process that registered: that registration stays.
     */
    private void removeExited(int tgid) {
        for (Entry e : entries) {
            if (e instanceof SignalEntry s && s.target.pid() == tgid && s.target.pidfd().hasExited()) {
                remove(s);
            }
        }
    }

    /** How many processes are registered, without removing those that have exited (for tests of the exit path). */
    int signalRegistrations() {
        return (int) entries.stream().filter(e -> e instanceof SignalEntry).count();
    }

    /** The processes registered now; any that has exited is removed first. */
    public List<RelayRegistrant> registrants() {
        List<RelayRegistrant> list = new ArrayList<>();
        for (Entry e : entries) {
            if (e instanceof SignalEntry s) {
                if (s.target.pidfd().hasExited()) {
                    remove(s);
                } else {
                    list.add(s.describe(defaultSignal));
                }
            }
        }
        return list;
    }

    @Override
    public void onEvent(Event event, boolean endOfBatch) {
        switch (event) {
            case ProcessEvent pe -> relay(pe.kernel());
            case LossEvent loss when loss.channel().equals(ProcChannel.NAME) -> trees.reseedAll();
            default -> {}
        }
    }

    private void relay(ProcEvent kernel) {
        switch (kernel) {
            case ProcEvent.Fork f -> {
                if (f.childPid() == f.childTgid()) {
                    trees.forked(f.parentTgid(), f.childTgid());
                }
                deliver(ProcEventType.FORK, f.childPid(), f.childTgid(), f.parentTgid());
            }
            case ProcEvent.Exec x -> deliver(ProcEventType.EXEC, x.pid(), x.tgid(), x.tgid());
            case ProcEvent.Exit x -> {
                if (x.pid() == x.tgid()) {
                    removeExited(x.tgid());
                }
                deliver(ProcEventType.EXIT, x.pid(), x.tgid(), x.tgid());
                if (x.pid() == x.tgid()) {
                    trees.exited(x.tgid());
                }
            }
            default -> {}
        }
    }

    /** @param treeKey the thread group that must lie inside a registration's tree (for a fork, the parent) */
    private void deliver(ProcEventType type, int pid, int tgid, int treeKey) {
        RuntimeException failure = null;
        for (Entry e : entries) {
            if (!e.filter.wants(type, pid, tgid) || (e.tree != null && !trees.contains(e.tree, treeKey))) {
                continue;
            }
            try {
                e.deliver(this, type, pid);
            } catch (RuntimeException ex) {
                // One failing callback must not cost the others their event; the first goes to the ErrorHandler.
                failure = failure == null ? ex : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void remove(SignalEntry entry) {
        if (entries.remove(entry)) {
            unfollow(entry);
            entry.target.close();
        }
    }

    /** Closes every pidfd when the stream ends; callback registrations simply stop hearing. */
    @Override
    public void onClose() {
        for (Entry e : entries) {
            if (e instanceof SignalEntry s) {
                remove(s);
            }
        }
        if (reseeder instanceof ExecutorService service) {
            service.shutdownNow();
        }
    }

    private abstract static sealed class Entry permits CallbackEntry, SignalEntry {
        final RelayFilter filter;
        final TreeMembers tree;

        Entry(RelayFilter filter) {
            this.filter = filter;
            this.tree = filter.treeRoot() != RelayFilter.ANYWHERE ? new TreeMembers(filter.treeRoot()) : null;
        }

        abstract void deliver(Relay relay, ProcEventType type, int pid);
    }

    private static final class CallbackEntry extends Entry {
        private final RelayListener listener;

        CallbackEntry(RelayFilter filter, RelayListener listener) {
            super(filter);
            this.listener = listener;
        }

        @Override
        void deliver(Relay relay, ProcEventType type, int pid) {
            listener.onRelay(type, pid);
        }
    }

    private static final class SignalEntry extends Entry {
        final RelayTarget target;
        final int signal;
        /** Written only on the dispatch thread; read by whoever lists registrants. */
        volatile long sent;
        volatile long failed;

        SignalEntry(RelayFilter filter, RelayTarget target, int signal) {
            super(filter);
            this.target = target;
            this.signal = signal;
        }

        @Override
        void deliver(Relay relay, ProcEventType type, int pid) {
            if (target.status() != null) {
                // As kill(2) would decide now: the target may have changed its uids since it was registered.
                ProcStatus now = target.status().read();
                if (now == null) {
                    relay.remove(this); // reaped: the open status file can never describe another process
                    return;
                }
                if (!now.maySignal(target.owner())) {
                    failed++;
                    return;
                }
            }
            int errno = target.pidfd().queueSignal(signal != 0 ? signal : relay.defaultSignal, pid);
            if (errno == 0) {
                sent++;
            } else if (errno == Errno.ESRCH || errno == Errno.EBADF) {
                relay.remove(this); // it exited before its exit event reached us, or was just unregistered
            } else {
                failed++;
            }
        }

        RelayRegistrant describe(int defaultSignal) {
            return new RelayRegistrant(target.pid(), target.comm(), signal != 0 ? signal : defaultSignal, signal == 0,
                    filter, sent, failed);
        }
    }
}
