package io.upcall.core.netlink;

import io.upcall.core.channel.ChannelContext;
import io.upcall.core.channel.Deferred;
import io.upcall.core.channel.Envelope;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.linux.ReceiveBatch;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * The reading loop every netlink channel shares, on a thread of its own: a blocking
 * {@code recvmmsg(MSG_WAITFORONE)} takes every queued datagram at once; each goes to the tap (for
 * recording) and to the channel's decoder; the events go to the pipeline, which never blocks. ENOBUFS
 * becomes a loss event. After a partial batch it pauses briefly so that the next wake-up carries many
 * events. A receive timeout lets it see {@link #stop()} promptly; it is the thread that closes the socket.
 */
final class NetlinkReader {
    static final int RECEIVE_TIMEOUT_MILLIS = 100;
    private static final int BATCH = 64;
    /** 64 datagrams a round: more than a 32 MiB queue of the smallest proc messages holds. */
    private static final int MAX_DRAIN_ROUNDS = 16_384;

    private final String channel;
    private final NetlinkSocket socket;
    private final int messageBytes;
    private final ChannelContext context;
    private final String overflowReason;
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private volatile boolean stopping;
    private Thread thread;

    NetlinkReader(String channel, NetlinkSocket socket, int messageBytes, ChannelContext context, String overflowReason) {
        this.channel = channel;
        this.socket = socket;
        this.messageBytes = messageBytes;
        this.context = context;
        this.overflowReason = overflowReason;
    }

    /**
     * Starts the thread, which waits for {@link #subscribe}; {@code beforeClose} runs on it, last, before the
     * socket closes (to unsubscribe). Starting the thread before the channel subscribes keeps the
     * thread's own birth (a fork and a comm event of this process) out of the stream and out of recordings.
     */
    void start(NetlinkSource.Reading reading, Runnable beforeClose) {
        thread = Thread.ofPlatform().name("upcall-" + channel).start(() -> {
            try {
                subscribed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!stopping) {
                run(reading, beforeClose);
            }
        });
    }

    /**
     * Runs the channel's {@code setup} of the socket, then lets the thread read. When the setup fails, the thread
     * (still waiting) ends without touching the socket, the socket is closed, and the failure goes to the caller.
     */
    void subscribe(NetlinkSource.Setup setup) throws LinuxException {
        try {
            setup.run();
        } catch (LinuxException | RuntimeException e) {
            abandon();
            socket.close();
            throw e;
        }
        subscribed.countDown();
    }

    private void run(NetlinkSource.Reading reading, Runnable beforeClose) {
        long batchDelayNanos = context.batchDelayNanos();
        try (ReceiveBatch batch = new ReceiveBatch(BATCH, messageBytes)) {
            List<Event> events = new ArrayList<>(BATCH + 4);
            while (!stopping) {
                int n = socket.receive(batch, true);
                if (n == NetlinkSocket.OVERFLOW) {
                    events.add(new LossEvent(context.clock().now(), channel, LossEvent.UNKNOWN, overflowReason));
                } else if (n == 0) {
                    continue; // the receive timeout passed: look at the stop flag again
                } else {
                    received(reading, batch, n, events);
                }
                publish(events);
                if (n > 0 && n < BATCH && batchDelayNanos > 0) {
                    // A partial batch means the socket is drained: let a few more events queue up, so that
                    // each wake-up (here, in the dispatcher and in its write) carries many events, not one.
                    LockSupport.parkNanos(batchDelayNanos);
                }
            }
            drain(reading, batch, events);
        } catch (LinuxException | RuntimeException e) {
            context.errors().onError(channel + " source", e);
            context.stopped(e.getMessage());
        } finally {
            context.flush();
            try {
                beforeClose.run();
            } finally {
                socket.close();
            }
        }
    }

    /**
     * The stream is stopping: what the kernel delivered before now is in the socket's queue and is the stream's. The
     * socket leaves its groups (the kernel sends nothing more), then everything queued is read and published, so a
     * clean stop loses nothing it had been given. Bounded: the queue cannot refill once the groups are left.
     */
    private void drain(NetlinkSource.Reading reading, ReceiveBatch batch, List<Event> events) throws LinuxException {
        socket.leaveGroups();
        for (int round = 0; round < MAX_DRAIN_ROUNDS; round++) {
            int n = socket.receive(batch, false);
            if (n == NetlinkSocket.OVERFLOW) {
                events.add(new LossEvent(context.clock().now(), channel, LossEvent.UNKNOWN, overflowReason));
            } else if (n == 0) {
                break;
            } else {
                received(reading, batch, n, events);
            }
            publish(events);
        }
    }

    private void received(NetlinkSource.Reading reading, ReceiveBatch batch, int n, List<Event> events) {
        Instant received = context.clock().now();
        boolean tapped = context.tapped();
        switch (reading) {
            case NetlinkSource.Reading.Inline inline -> {
                for (int i = 0; i < n; i++) {
                    MemorySegment datagram = batch.data(i);
                    Envelope envelope = envelope(batch, i);
                    if (tapped) {
                        context.tap(datagram, envelope, received);
                    }
                    inline.decoder().decode(datagram, envelope, received, events);
                }
            }
            case NetlinkSource.Reading.Later later -> {
                for (int i = 0; tapped && i < n; i++) {
                    context.tap(batch.data(i), envelope(batch, i), received);
                }
                publish(events); // a loss report before the messages that came after it
                Deferred work = later.copier().copy(batch, n, received, messageBytes);
                context.publishDeferred(work, n);
            }
        }
    }

    private Envelope envelope(ReceiveBatch batch, int i) {
        return new Envelope(batch.senderPort(i), batch.senderGroups(i), batch.credentials(i),
                batch.truncated(i) ? messageBytes : -1);
    }

    private void publish(List<Event> events) {
        if (!events.isEmpty()) {
            context.publish(events.toArray(new Event[0]), events.size());
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
        if (thread != null) {
            LockSupport.unpark(thread); // out of the pause after a partial batch at once
        }
        if (thread != null && thread != Thread.currentThread()) {
            thread.join();
        }
    }
}
