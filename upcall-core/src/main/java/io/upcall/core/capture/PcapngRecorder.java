package io.upcall.core.capture;

import io.upcall.core.channel.CaptureLink;
import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelOptions;
import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.Envelope;
import io.upcall.core.channel.EventStage;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.core.channel.RawTap;
import io.upcall.core.channel.StreamContext;
import io.upcall.core.channel.WallClock;
import io.upcall.core.event.Event;
import io.upcall.protocol.pcap.NetlinkCookedHeader;
import io.upcall.protocol.pcap.Pcapng;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes every raw message a channel receives to a pcapng file ({@code docs/capture-format.md}): netlink channels
 * on one {@code LINKTYPE_NETLINK} interface, each packet the 16-byte cooked header (family, sender port id,
 * groups) and the datagram exactly as received; any other channel on an interface of its own private link type.
 * Each packet is stamped in nanoseconds with its first event's own time (a process event's kernel timestamp on
 * the wall clock, as the live stream shows it), else the receive time.
 *
 * <p>It also decodes each message as a replay will, through the channel's own decoder and stage, so that
 * {@code --count N} stops the recording right after the message that makes the Nth event of the replay; nothing
 * after it is written. Runs on the channels' reading threads, one at a time (synchronized: several channels share
 * one file); output is buffered.
 */
public final class PcapngRecorder implements RawTap, AutoCloseable {
    /** Section comment with the recorder's pid, so a replay can leave out its threads as live does. */
    static final String RECORDER_PID = "upcall-recorder-pid=";
    private static final int SNAP_LENGTH = 65535;

    /** How one channel's messages are written and counted. */
    private record Track(int interfaceId, CaptureLink link, MessageDecoder decoder, EventStage stage, ClockHolder clock) {}

    /** The wall clock of the channel thread now calling: its decoder turns kernel timestamps with it. */
    private static final class ClockHolder {
        WallClock clock;
    }

    private final OutputStream out;
    private final long limit;
    private final Runnable onLimit;
    private final int self;
    private final Map<String, Track> tracks = new HashMap<>();
    private final List<Event> scratch = new ArrayList<>();
    private int interfaces;
    private int netlinkInterface = -1;
    /** Counted as buffered, and as of the last flush: after a write failure, never more than the file holds is claimed. */
    private long events;
    private long packets;
    private long flushedEvents;
    private long flushedPackets;
    private boolean closed;
    private boolean full;
    private IOException failure;

    /**
     * @param limit   stop after the message that makes this many events (0: no limit)
     * @param onLimit called once, on the reading thread, when the limit is reached or a write failed
     */
    public PcapngRecorder(OutputStream out, String application, long limit, Runnable onLimit) throws IOException {
        this.out = new BufferedOutputStream(out, 1 << 16);
        this.limit = limit;
        this.onLimit = onLimit;
        this.self = (int) ProcessHandle.current().pid();
        this.out.write(Pcapng.sectionHeader(application, RECORDER_PID + self));
    }

    @Override
    public synchronized void accept(Channel<?> channel, MemorySegment message, Envelope envelope, Instant received,
            WallClock clock) {
        if (full || failure != null) {
            return;
        }
        Track track;
        try {
            track = tracks.get(channel.name());
            if (track == null) {
                track = track(channel);
                tracks.put(channel.name(), track);
            }
            track.clock().clock = clock;
            scratch.clear();
            track.decoder().decode(message, envelope, received, scratch);
            write(track, message, envelope, eventTime(channel, received));
        } catch (IOException e) {
            failure = e;
            onLimit.run();
            return;
        }
        packets++;
        for (Event e : scratch) { // counted as a replay shows them: through the channel's own stage
            if (track.stage() == null || track.stage().process(e) != null) {
                events++;
            }
        }
        if (limit > 0 && events >= limit) {
            full = true;
            onLimit.run();
        }
    }

    /** A message's time is its first event's own time, so a replay shows the times a live stream shows. */
    private Instant eventTime(Channel<?> channel, Instant received) {
        for (Event e : scratch) {
            if (e.source().equals(channel.name())) {
                return e.time();
            }
        }
        return received;
    }

    private <O extends ChannelOptions> Track track(Channel<O> channel) throws IOException {
        CaptureLink link = channel.link();
        int id;
        if (link instanceof CaptureLink.Netlink) {
            if (netlinkInterface < 0) {
                netlinkInterface = newInterface(Pcapng.LINKTYPE_NETLINK, "netlink");
            }
            id = netlinkInterface;
        } else {
            id = newInterface(((CaptureLink.Private) link).linkType(), channel.name());
        }
        O defaults = channel.defaults();
        ClockHolder holder = new ClockHolder();
        // Decoded and selected as a replay will: no live context, the recorder's own events left out.
        DecodeContext context = new DecodeContext(false, (nanos, received) -> holder.clock.toInstant(nanos), (where, e) -> { });
        return new Track(id, link, channel.decoder(defaults, context), channel.stage(defaults, new StreamContext(false, self)),
                holder);
    }

    private int newInterface(int linkType, String name) throws IOException {
        out.write(Pcapng.interfaceDescription(linkType, SNAP_LENGTH, name));
        return interfaces++;
    }

    private void write(Track track, MemorySegment message, Envelope envelope, Instant time) throws IOException {
        byte[] header = track.link() instanceof CaptureLink.Netlink(int family)
                ? NetlinkCookedHeader.encode(family, envelope.senderPort(), envelope.groups()) : new byte[0];
        byte[] packet = new byte[header.length + (int) message.byteSize()];
        System.arraycopy(header, 0, packet, 0, header.length);
        MemorySegment.copy(message, ValueLayout.JAVA_BYTE, 0, packet, header.length, (int) message.byteSize());
        long nanos = time.getEpochSecond() * 1_000_000_000L + time.getNano();
        out.write(Pcapng.enhancedPacket(track.interfaceId(), nanos, packet, 0, packet.length));
    }

    /** Messages in the file (after a write failure: those that reached it). */
    public synchronized long packets() {
        return failure != null ? flushedPackets : packets;
    }

    /** Events a replay of the file will show (after a write failure: of the messages that reached it). */
    public synchronized long events() {
        return failure != null ? flushedEvents : events;
    }

    /** Writes what is buffered to the file; a failure stops the recording (and is thrown by {@link #close}). */
    public synchronized void flush() {
        if (failure != null || closed) {
            return;
        }
        try {
            out.flush();
            flushedPackets = packets;
            flushedEvents = events;
        } catch (IOException e) {
            failure = e;
            onLimit.run();
        }
    }

    /** Flushes once a second until closed: a crash loses at most the last second. For a thread of its own. */
    public void flushEverySecond() {
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (closed || failure != null) {
                    return;
                }
                flush();
            }
        }
    }

    /** Flushes and closes the file; rethrows a write failure met while recording. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        flush();
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            failure = failure != null ? failure : e;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
