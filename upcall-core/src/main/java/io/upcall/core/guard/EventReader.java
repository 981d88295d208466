package io.upcall.core.guard;

import io.upcall.core.event.Event;
import io.upcall.core.event.EventSink;
import io.upcall.core.event.LossEvent;
import io.upcall.core.event.MalformedEvent;
import io.upcall.linux.Fanotify;
import io.upcall.linux.LinuxException;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.fanotify.FanotifyDecoder;
import io.upcall.protocol.fanotify.FanotifyEvent;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The guard's reading thread: reads events, answers this process's own at once, names each file (readlink of its fd
 * in {@code /proc/self/fd}, which opens nothing), and queues the rest for the decision thread and the watchdog, or,
 * when the policy cannot block, decides and answers them itself. It never waits on anything but the fanotify fd, so
 * no output or {@code /proc} read can hold it up.
 */
final class EventReader implements Runnable {
    /** Room for 2,730 permission events (24 bytes each) per read. */
    private static final int BUFFER = 64 * 1024;
    private static final int POLL_MILLIS = 100;

    private final Guard guard;
    private final Fanotify group;
    private final GuardOptions options;
    private final int selfPid;
    private final Supplier<EventSink> sinks;
    private final boolean inline;
    private final boolean needsPath;
    /** The reading thread's own memory for readlink and close (allocated in {@link #run}, on that thread). */
    private Fanotify.Scratch scratch;

    EventReader(Guard guard, Fanotify group, GuardOptions options, int selfPid, Supplier<EventSink> sinks) {
        this.guard = guard;
        this.group = group;
        this.options = options;
        this.selfPid = selfPid;
        this.sinks = sinks;
        this.inline = !guard.policy().mayBlock();
        this.needsPath = guard.policy().needsPath();
    }

    @Override
    public void run() {
        EventSink sink = sinks.get();
        long deadline = options.deadline().toNanos();
        long slack = options.slackNanos();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(BUFFER, 8);
            scratch = new Fanotify.Scratch(arena);
            while (guard.running()) {
                // Read first, wait only when nothing is queued: under load (the next open arrived while this one was
                // answered) one system call per batch instead of poll + read; idle, poll keeps the loop checking
                // running() every POLL_MILLIS.
                int n = group.read(buf);
                if (n == 0) {
                    group.awaitReadable(POLL_MILLIS);
                    continue;
                }
                long now = System.nanoTime();
                long offset = 0;
                int len;
                while ((len = FanotifyDecoder.eventLength(buf, offset, n)) > 0) {
                    DecodeResult<FanotifyEvent> event = FanotifyDecoder.decode(buf, offset, n);
                    try {
                        handle(event, now, now + deadline - slack, sink);
                    } catch (RuntimeException e) {
                        rescue(event, e, sink);
                    }
                    offset += len;
                }
                if (offset < n) {
                    // The kernel never sends this; if it did, the rest may hold fds we cannot find to answer.
                    DecodeResult<FanotifyEvent> bad = FanotifyDecoder.decode(buf, offset, n);
                    String kind = bad instanceof DecodeResult.Malformed<FanotifyEvent> m ? m.kind() : "framing";
                    publish(sink, new MalformedEvent(Instant.now(), Guard.CHANNEL, kind, offset,
                            (n - offset) + " bytes after the last whole event"));
                }
            }
        } catch (LinuxException | RuntimeException | Error e) {
            // Nobody reads any more: openers would wait until this process exits. Close the group now, so that the
            // kernel allows what waits and asks nothing more: a broken guard fails open, never hangs the host.
            guard.abandon();
            publish(sink, new LossEvent(Instant.now(), Guard.CHANNEL, LossEvent.UNKNOWN, "the guard stopped reading ("
                    + e + "): it released its marks, and the kernel allowed what was waiting; nothing is guarded now"));
        } finally {
            sink.flush();
        }
    }

    /**
     * A bug met one event: answer it with the on-timeout verdict if it waits (no one else knows of it), close its
     * fd, and say so; the next event is read as usual.
     */
    private void rescue(DecodeResult<FanotifyEvent> result, RuntimeException e, EventSink sink) {
        if (result instanceof DecodeResult.Decoded<FanotifyEvent>(FanotifyEvent event) && event.hasFd()) {
            if (event.isPermission()) {
                guard.answerUnqueued(event.fd(), options.onTimeout());
            }
            Fanotify.closeEventFd(event.fd());
        }
        publish(sink, new LossEvent(Instant.now(), Guard.CHANNEL, 1, "an event the guard failed on (" + e
                + ") was answered with the on-timeout verdict"));
    }

    private void handle(DecodeResult<FanotifyEvent> result, long now, long answerBy, EventSink sink) {
        if (!(result instanceof DecodeResult.Decoded<FanotifyEvent>(FanotifyEvent e))) {
            if (result instanceof DecodeResult.Malformed<FanotifyEvent> m) {
                publish(sink, new MalformedEvent(Instant.now(), Guard.CHANNEL, m.kind(), m.offset(), m.detail()));
            }
            return;
        }
        if (e.isOverflow()) {
            publish(sink, new LossEvent(Instant.now(), Guard.CHANNEL, LossEvent.UNKNOWN,
                    "the kernel's fanotify queue overflowed"));
            return;
        }
        if (!e.hasFd()) {
            return;
        }
        if (!e.isPermission()) {
            Fanotify.closeEventFd(e.fd(), scratch);
            return;
        }
        if (e.pid() == selfPid) {
            guard.answerSelf(e.fd(), scratch);
            return;
        }
        Operation op = (e.mask() & io.upcall.protocol.fanotify.Fanotify.FAN_OPEN_EXEC_PERM) != 0 ? Operation.EXEC : Operation.OPEN;
        if (inline) {
            decideHere(e.fd(), e.pid(), op, now, sink);
            return;
        }
        Pending p = new Pending(e.fd(), e.pid(), op, Fanotify.eventPath(e.fd(), scratch), now, answerBy);
        guard.byDeadline.add(p);
        if (!guard.decisions.offer(p) && p.claim()) {
            // The decision thread is that far behind: answer now rather than make the opener wait for it.
            publish(sink, guard.answer(p, options.onTimeout(), "overload", true, null));
        }
    }

    /**
     * A policy that cannot block, asked here: no other thread to wake before the opener is answered, and nothing
     * before the answer that the decision does not need (the path only for a policy that looks at it; no
     * {@link Pending}: no other thread sees this event). The fd stays open until the path is read after the answer.
     */
    private void decideHere(int fd, int pid, Operation op, long readNanos, EventSink sink) {
        String path = needsPath ? Fanotify.eventPath(fd, scratch) : null;
        Decision d;
        try {
            d = guard.policy().decide(new AccessRequest(op, path, pid, guard.openers()));
        } catch (RuntimeException ex) {
            d = null;
        }
        Verdict verdict = d == null ? options.onTimeout() : d.verdict();
        boolean taken = guard.respond(fd, verdict);
        long latency = (System.nanoTime() - readNanos) / 1_000;
        if (path == null) {
            path = Fanotify.eventPath(fd, scratch); // the opener no longer waits: named for the stream only
        }
        Fanotify.closeEventFd(fd, scratch);
        if (!taken) {
            guard.answerFailures.incrementAndGet();
        }
        AccessEvent answered = new AccessEvent(Instant.now(), op, verdict, d == null ? "error" : d.rule(), path,
                Opener.unknown(pid), latency, d == null);
        if (!guard.outbox.offer(answered)) {
            publish(sink, answered); // the decision thread is behind: into the stream without the opener's context
        }
    }

    /** A new array each time: the stream keeps the array it is given until the event is delivered. */
    private static void publish(EventSink sink, Event event) {
        sink.publish(new Event[] {event}, 1);
    }
}
