package io.upcall.core.capture;

import io.upcall.core.channel.CaptureLink;
import io.upcall.core.channel.Envelope;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.core.channel.StreamContext;
import io.upcall.core.event.Event;
import io.upcall.core.event.EventSink;
import io.upcall.protocol.pcap.CaptureReader;
import io.upcall.protocol.pcap.NetlinkCookedHeader;
import io.upcall.protocol.pcap.Pcapng;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Feeds a capture (pcapng as {@code upcall record} writes it, or classic pcap with {@code LINKTYPE_NETLINK}, as
 * from an {@code nlmon} device) through each channel's own decoder into the pipeline, as live input goes: the
 * same sender checks, loss detection, stages and subscribers. Packets are read on the calling thread, in order;
 * the pipeline waits for room instead of dropping, so the output is deterministic. Event times are the packets'
 * capture times. Built by {@code Upcall.Builder.replay}.
 */
public final class CaptureReplay {
    private final CaptureReader reader;
    private CaptureReader.Packet first;

    /**
     * What a replay went through.
     * @param packets  packets read
     * @param skipped  packets of channels not chosen, or that no registered channel reads (other link types or
     *                 netlink families)
     * @param error    why the file could not be read to its end, or null
     */
    public record Summary(long packets, long skipped, String error) {}

    /** Where one channel's packets go. */
    public record Route(MessageDecoder decoder, EventSink publisher) {}

    /** Reads the file's header and first packet (which tells the recorder's pid). */
    public CaptureReplay(byte[] capture) {
        this.reader = new CaptureReader(capture);
        this.first = reader.next();
    }

    /** The process that recorded the capture, whose own events a replay leaves out as live did; -1 if unknown. */
    public int recorderPid() {
        for (String c : reader.comments()) {
            if (c.startsWith(PcapngRecorder.RECORDER_PID)) {
                try {
                    return Integer.parseInt(c.substring(PcapngRecorder.RECORDER_PID.length()));
                } catch (NumberFormatException e) {
                    return StreamContext.NONE;
                }
            }
        }
        return StreamContext.NONE;
    }

    /**
     * Decodes each packet with the route of its link, publishing the events, until the end of the file, the first
     * fault in it, or {@code stop}.
     */
    public Summary feed(Map<CaptureLink, Route> routes, BooleanSupplier stop) {
        List<Event> events = new ArrayList<>();
        long packets = 0;
        long skipped = 0;
        CaptureReader.Packet p = first;
        first = null;
        Instant last = Instant.EPOCH;
        for (; p != null && !stop.getAsBoolean(); p = reader.next()) {
            packets++;
            Route route;
            Envelope envelope;
            int from = p.offset();
            int length = p.length();
            if (p.linkType() == Pcapng.LINKTYPE_NETLINK) {
                NetlinkCookedHeader h = NetlinkCookedHeader.decode(p.data(), p.offset(), p.length());
                route = h == null ? null : routes.get(new CaptureLink.Netlink(h.family()));
                // Credentials are not in a capture: the recorded sender port decides, as the kernel's group needs.
                envelope = h == null ? null : Envelope.recorded(h.senderPort(), h.hasSender() ? h.groups() : 0);
                from += NetlinkCookedHeader.SIZE;
                length -= NetlinkCookedHeader.SIZE;
            } else {
                route = p.linkType() >= 147 && p.linkType() <= 162 ? routes.get(new CaptureLink.Private(p.linkType())) : null;
                envelope = Envelope.NONE;
            }
            if (route == null) {
                skipped++;
                continue;
            }
            Instant time = Instant.ofEpochSecond(Math.floorDiv(p.epochNanos(), 1_000_000_000L),
                    Math.floorMod(p.epochNanos(), 1_000_000_000L));
            last = time;
            events.clear();
            route.decoder().decode(MemorySegment.ofArray(p.data()).asSlice(from, length), envelope, time, events);
            if (!events.isEmpty()) {
                route.publisher().publish(events.toArray(new Event[0]), events.size());
            }
        }
        for (Route route : routes.values()) { // what a decoder still holds (audit records without their end)
            events.clear();
            route.decoder().finish(last, events);
            if (!events.isEmpty()) {
                route.publisher().publish(events.toArray(new Event[0]), events.size());
            }
        }
        return new Summary(packets, skipped, reader.error());
    }
}
