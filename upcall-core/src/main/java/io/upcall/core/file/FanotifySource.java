package io.upcall.core.file;

import io.upcall.core.channel.ChannelContext;
import io.upcall.core.channel.Envelope;
import io.upcall.core.channel.LiveChannel;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.core.event.Event;
import io.upcall.core.event.MalformedEvent;
import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.fanotify.Fanotify;
import io.upcall.protocol.fanotify.FanotifyDecoder;
import io.upcall.protocol.fanotify.FanotifyEvent;
import io.upcall.protocol.fanotify.FanotifyInfo;
import io.upcall.protocol.fanotify.FanotifyInfoDecoder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The live file channel: one fanotify group ({@code FAN_CLASS_NOTIF}, file handles with directory and name,
 * {@code FAN_REPORT_PIDFD}), its marks, and a reading thread that resolves each event's handles and actor into a
 * {@link FileRecord}, taps it, and decodes it with the channel's one decoder. Events of this process are left out
 * before anything is done for them. Closing the group removes its marks: nothing outlives the channel.
 */
final class FanotifySource implements LiveChannel {
    static final int READ_BUFFER = 64 << 10;
    private static final int POLL_MILLIS = 100;
    /** 64 KiB a round: the kernel's whole 16384-event queue is at most a few MiB. */
    private static final int MAX_DRAIN_ROUNDS = 1024;
    private static final int SELF = (int) ProcessHandle.current().pid();

    private final io.upcall.linux.Fanotify group;
    private final HandleResolver resolver;
    private final FileOptions options;
    private final ChannelContext context;
    private final MessageDecoder decoder;
    private volatile boolean stopping;
    private Thread thread;

    private FanotifySource(io.upcall.linux.Fanotify group, HandleResolver resolver, FileOptions options, ChannelContext context) {
        this.group = group;
        this.resolver = resolver;
        this.options = options;
        this.context = context;
        this.decoder = new FileMessageDecoder(options);
    }

    static LiveChannel open(FileOptions options, ChannelContext context) throws LinuxException {
        if (options.paths().isEmpty()) {
            throw new LinuxException("fanotify_mark(no path given: upcall files PATH..., monitor --files PATH)", Errno.EINVAL);
        }
        io.upcall.linux.Fanotify group = FanotifyGroup.init(context);
        HandleResolver resolver = new HandleResolver();
        try {
            FanotifyGroup.mark(group, resolver, options, context);
        } catch (LinuxException | RuntimeException e) {
            resolver.close();
            group.close();
            throw e;
        }
        FanotifySource source = new FanotifySource(group, resolver, options, context);
        source.thread = Thread.ofPlatform().name("upcall-" + FileChannel.NAME).start(source::run);
        return source;
    }

    private void run() {
        long batchDelayNanos = context.batchDelayNanos();
        List<Event> events = new ArrayList<>(256);
        try (Arena arena = Arena.ofConfined(); FileRecord.Writer writer = new FileRecord.Writer(READ_BUFFER + 8192)) {
            MemorySegment buffer = arena.allocate(READ_BUFFER, 8);
            ActorReader actors = new ActorReader(options.processContext());
            while (!stopping) {
                if (!group.awaitReadable(POLL_MILLIS)) {
                    continue;
                }
                int n = group.read(buffer);
                if (n > 0) {
                    received(buffer, n, writer, actors, events);
                    publish(events);
                }
                if (n > 0 && n < READ_BUFFER / 2 && batchDelayNanos > 0) {
                    LockSupport.parkNanos(batchDelayNanos); // drained: let more queue up, for fewer wake-ups
                }
            }
            // What the kernel queued before the stop is the stream's; the marks still add more, so the drain is bounded.
            for (int round = 0; round < MAX_DRAIN_ROUNDS; round++) {
                int n = group.read(buffer);
                if (n <= 0) {
                    break;
                }
                received(buffer, n, writer, actors, events);
                publish(events);
            }
        } catch (LinuxException | RuntimeException e) {
            context.errors().onError(FileChannel.NAME + " source", e);
            context.stopped(e.getMessage());
        } finally {
            context.flush();
            try {
                resolver.close();
            } finally {
                group.close(); // the marks go with the group
            }
        }
    }

    private void received(MemorySegment buffer, int n, FileRecord.Writer writer, ActorReader actors, List<Event> events) {
        Instant received = context.clock().now();
        boolean tapped = context.tapped();
        actors.newBatch();
        long at = 0;
        int len;
        while ((len = FanotifyDecoder.eventLength(buffer, at, n)) > 0) {
            MemorySegment bytes = buffer.asSlice(at, len);
            if (prepare(bytes, writer, actors)) {
                MemorySegment record = writer.end();
                if (tapped) {
                    context.tap(record, Envelope.NONE, received);
                }
                decoder.decode(record, Envelope.NONE, received, events);
            }
            at += len;
        }
        if (at < n) {
            events.add(new MalformedEvent(received, FileChannel.NAME, "event_len", at, (n - at)
                    + " bytes at the end of a read do not frame an event; left out"));
        }
    }

    /**
     * Closes what the event carries (its pidfd, an fd), leaves out this process's own, and writes the record with the
     * paths and the actor. False when the event is left out.
     */
    private boolean prepare(MemorySegment bytes, FileRecord.Writer writer, ActorReader actors) {
        FanotifyEvent event = FanotifyDecoder.decode(bytes, 0, bytes.byteSize()) instanceof DecodeResult.Decoded<FanotifyEvent> d
                ? d.value() : null;
        List<FanotifyInfo> infos = event == null ? List.of()
                : FanotifyInfoDecoder.decode(bytes, event.metadataLength(), event.eventLength())
                        instanceof DecodeResult.Decoded<List<FanotifyInfo>> d ? d.value() : List.of();
        int pidfd = Fanotify.FAN_NOPIDFD;
        for (FanotifyInfo info : infos) {
            if (info instanceof FanotifyInfo.Pidfd p) {
                pidfd = p.pidfd();
            }
        }
        if (event != null && event.hasFd()) {
            io.upcall.linux.Fanotify.closeEventFd(event.fd()); // not asked for (FID mode), but never leaked
        }
        if (event != null && event.pid() == SELF) {
            actors.discard(pidfd);
            return false;
        }
        writer.begin(bytes, 0, (int) bytes.byteSize());
        boolean named = false;
        for (FanotifyInfo info : infos) {
            if (info instanceof FanotifyInfo.Fid fid && fid.hasName()) {
                resolver.resolve(fid, writer);
                named = true;
            }
        }
        if (!named) { // no entry name: the directory's (DFID), else the object's own (FID)
            FanotifyInfo.Fid first = null;
            for (FanotifyInfo info : infos) {
                if (info instanceof FanotifyInfo.Fid fid
                        && (first == null || fid.type() == Fanotify.FAN_EVENT_INFO_TYPE_DFID)) {
                    first = fid;
                }
            }
            if (first != null) {
                resolver.resolve(first, writer);
            }
        }
        if (event != null) {
            FileEvent.Actor actor = actors.read(event.pid(), pidfd);
            if (actor != null) {
                writer.actor(actor);
            }
        } else {
            actors.discard(pidfd);
        }
        return true;
    }

    private void publish(List<Event> events) {
        if (!events.isEmpty()) {
            context.publish(events.toArray(new Event[0]), events.size());
            events.clear();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        if (thread != null && thread != Thread.currentThread()) {
            LockSupport.unpark(thread);
            thread.join();
        }
    }
}
