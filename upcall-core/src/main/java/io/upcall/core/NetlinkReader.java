package io.upcall.core;

import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.linux.ReceiveBatch;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The reading loop every netlink source shares, on a thread of its own: a blocking
 * {@code recvmmsg(MSG_WAITFORONE)} takes every queued datagram at once; each goes to the tap (for
 * recording) and to the source's decoder; the events go to the pipeline, which never blocks. ENOBUFS
 * becomes a loss event. After a partial batch it pauses briefly so that the next wake-up carries many
 * events. A receive timeout lets it see {@link #stop()} promptly; it is the thread that closes the socket.
 */
final class NetlinkReader {
    /** What a source does with one received datagram, on the reading thread. */
    interface Handler {
        void datagram(ReceiveBatch batch, int index, MemorySegment datagram, Instant received, List<Event> out);
    }

    /** For a source that decodes on the dispatch thread: copies what {@code batch} received, to be decoded there. */
    interface Deferring {
        Pipeline.Deferred copy(ReceiveBatch batch, int received, Instant when);
    }

    static final int RECEIVE_TIMEOUT_MILLIS = 100;
    private static final int BATCH = 64;
    /** The default pause after a partial batch: at most this much added latency, for far fewer wake-ups (BENCHMARKS.md). */
    static final long DEFAULT_BATCH_DELAY_NANOS = Long.getLong("upcall.proc.coalesceNanos", 2_000_000L);

    private final String channel;
    private final NetlinkSocket socket;
    private final int messageBytes;
    private final WallClock clock;
    private final RawTap tap;
    private final ErrorHandler errors;
    private final String overflowReason;
    private final long batchDelayNanos;
    private final java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean stopping;
    private Thread thread;

    NetlinkReader(String channel, NetlinkSocket socket, int messageBytes, WallClock clock, RawTap tap, ErrorHandler errors,
            String overflowReason, long batchDelayNanos) {
        this.batchDelayNanos = batchDelayNanos;
        this.channel = channel;
        this.socket = socket;
        this.messageBytes = messageBytes;
        this.clock = clock;
        this.tap = tap;
        this.errors = errors;
        this.overflowReason = overflowReason;
    }

    /**
     * Starts the thread, which waits for {@link #subscribe}; {@code beforeClose} runs on it, last, before the
     * socket closes (to unsubscribe). Starting the thread before the source subscribes keeps the
     * thread's own birth (a fork and a comm event of this process) out of the stream and out of recordings.
     */
    void start(Handler handler, Pipeline.Publisher out, Runnable beforeClose) {
        start(handler, null, out, beforeClose);
    }

    /** As {@link #start(Handler, Pipeline.Publisher, Runnable)}, handing each batch over undecoded. */
    void startDeferred(Deferring deferring, Pipeline.Publisher out, Runnable beforeClose) {
        start(null, deferring, out, beforeClose);
    }

    private void start(Handler handler, Deferring deferring, Pipeline.Publisher out, Runnable beforeClose) {
        thread = Thread.ofPlatform().name("upcall-" + channel).start(() -> {
            try {
                subscribed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!stopping) {
                run(handler, deferring, out, beforeClose);
            }
        });
    }

    /** What a source does to its socket before reading starts: size it, bind it, subscribe. */
    interface Setup {
        void run() throws LinuxException;
    }

    /**
     * Runs the source's {@code setup} of the socket, then lets the thread read. When the setup fails, the thread
     * (still waiting) ends without touching the socket, the socket is closed, and the failure goes to the caller.
     */
    void subscribe(Setup setup) throws LinuxException {
        try {
            setup.run();
        } catch (LinuxException e) {
            abandon();
            socket.close();
            throw e;
        }
        subscribed.countDown();
    }

    private void run(Handler handler, Deferring deferring, Pipeline.Publisher out, Runnable beforeClose) {
        try (ReceiveBatch batch = new ReceiveBatch(BATCH, messageBytes)) {
            List<Event> events = new ArrayList<>(BATCH + 4);
            while (!stopping) {
                int n = socket.receive(batch, true);
                if (n == NetlinkSocket.OVERFLOW) {
                    events.add(new LossEvent(clock.now(), channel, LossEvent.UNKNOWN, overflowReason));
                } else if (n == 0) {
                    continue; // the receive timeout passed: look at the stop flag again
                } else {
                    Instant received = clock.now();
                    for (int i = 0; i < n; i++) {
                        MemorySegment datagram = batch.data(i);
                        if (tap != null) {
                            tap.accept(socket.family(), batch.senderPort(i), batch.senderGroups(i), received, datagram);
                        }
                        if (handler != null) {
                            handler.datagram(batch, i, datagram, received, events);
                        }
                    }
                    if (deferring != null) {
                        publish(events, out); // a loss report before the messages that came after it
                        out.publishDeferred(deferring.copy(batch, n, received), n);
                    }
                }
                publish(events, out);
                if (n > 0 && n < BATCH && batchDelayNanos > 0) {
                    // A partial batch means the socket is drained: let a few more events queue up, so that
                    // each wake-up (here, in the dispatcher and in its write) carries many events, not one.
                    LockSupport.parkNanos(batchDelayNanos);
                }
            }
        } catch (LinuxException | RuntimeException e) {
            errors.onError(channel + " source", e);
        } finally {
            out.flush();
            try {
                beforeClose.run();
            } finally {
                socket.close();
            }
        }
    }

    private static void publish(List<Event> events, Pipeline.Publisher out) {
        if (!events.isEmpty()) {
            out.publish(events.toArray(new Event[0]), events.size());
            events.clear();
        }
    }

    /** For a failed subscription: the thread, still waiting, ends without touching the socket. */
    private void abandon() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the thread (within one receive timeout) and waits for it. */
    void stop() throws InterruptedException {
        stopping = true;
        subscribed.countDown();
        if (thread != null && thread != Thread.currentThread()) {
            thread.join();
        }
    }
}
