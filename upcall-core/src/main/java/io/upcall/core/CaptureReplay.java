package io.upcall.core;

import io.upcall.linux.NetlinkSocket;
import io.upcall.protocol.pcap.CaptureReader;
import io.upcall.protocol.pcap.NetlinkCookedHeader;
import io.upcall.protocol.pcap.Pcapng;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Feeds a capture (pcapng as {@code upcall record} writes it, or classic pcap with
 * {@code LINKTYPE_NETLINK}, as from an {@code nlmon} device) of proc-connector and uevent messages
 * through the same decoding, sender verification, loss detection and selection as live input, on the calling thread, so the output is
 * deterministic. Event times are the packets' capture times. Process context, which only a live
 * {@code /proc} can give, is not attached.
 */
public final class CaptureReplay {
    private CaptureReplay() {}

    /**
     * What to keep, as for a live stream.
     * @param pid  only events about this pid, or 0 for all
     * @param tree only events of this process and its descendants (as the capture shows them), or 0
     */
    public record Options(Set<ProcEventType> events, int pid, int tree, DeviceOptions devices) {
        public static Options all() {
            return new Options(ProcEventType.all(), 0, 0, DeviceOptions.defaults());
        }
    }

    /**
     * What a replay went through.
     * @param packets  packets read
     * @param skipped  packets of channels this version does not decode (other link types or netlink families)
     * @param error    why the file could not be read to its end, or null
     */
    public record Summary(long packets, long skipped, String error) {}

    /**
     * Replays {@code capture}, delivering events to {@code subscriber} on this thread; a subscriber ends
     * the replay early by throwing {@link StopReplay}.
     */
    public static Summary replay(byte[] capture, Options options, Subscriber subscriber, ErrorHandler errors) {
        CaptureReader reader = new CaptureReader(capture);
        ProcessTable table = options.tree() > 0
                ? new ProcessTable(new ProcFs(Path.of("/nonexistent-upcall-replay")), new UserNames(Path.of("/nonexistent")))
                : null;
        int mask = 0;
        for (ProcEventType t : options.events()) {
            mask |= t.kernelMask();
        }
        ProcessStage stage = null;
        ProcDatagrams decoder = new ProcDatagrams(true, (e, received) -> received,
                why -> errors.onError("replay", new IllegalStateException(why)));
        UeventDatagrams uevents = new UeventDatagrams(options.devices(), false);
        List<Event> events = new ArrayList<>();
        long packets = 0;
        long skipped = 0;
        CaptureReader.Packet p;
        while ((p = reader.next()) != null) {
            if (stage == null) {
                // The first section header has been read by now: it names the recorder, whose own threads live leaves out.
                stage = new ProcessStage(table, false, false, options.pid() > 0 ? options.pid() : ProcessStage.NONE,
                        options.tree() > 0 ? options.tree() : ProcessStage.NONE, recorderPid(reader.comments()), mask);
            }
            packets++;
            NetlinkCookedHeader h = p.linkType() == Pcapng.LINKTYPE_NETLINK
                    ? NetlinkCookedHeader.decode(p.data(), p.offset(), p.length()) : null;
            if (h == null || (h.family() != NetlinkSocket.NETLINK_CONNECTOR
                    && h.family() != NetlinkSocket.NETLINK_KOBJECT_UEVENT)) {
                skipped++;
                continue;
            }
            Instant time = Instant.ofEpochSecond(Math.floorDiv(p.epochNanos(), 1_000_000_000L),
                    Math.floorMod(p.epochNanos(), 1_000_000_000L));
            MemorySegment datagram = MemorySegment.ofArray(p.data())
                    .asSlice(p.offset() + NetlinkCookedHeader.SIZE, p.length() - NetlinkCookedHeader.SIZE);
            events.clear();
            if (h.family() == NetlinkSocket.NETLINK_CONNECTOR) {
                decoder.accept(datagram, h.senderPort(), -1, time, events);
            } else {
                // Credentials are not in the capture: the recorded sender port alone decides, as the kernel's group needs.
                uevents.accept(datagram, h.senderPort(), h.hasSender() ? h.groups() : 1, null, -1, time, events);
            }
            for (Event e : events) {
                Event kept;
                try {
                    kept = stage.process(e);
                } catch (RuntimeException ex) {
                    errors.onError("enrichment of " + e.type(), ex);
                    kept = e;
                }
                if (kept != null) {
                    try {
                        subscriber.onEvent(kept, false);
                    } catch (StopReplay stop) {
                        return new Summary(packets, skipped, reader.error());
                    } catch (Exception ex) {
                        errors.onError("subscriber", ex);
                    }
                }
            }
        }
        return new Summary(packets, skipped, reader.error());
    }

    /** Thrown by a subscriber to end a replay early (after {@code --count} events). */
    public static final class StopReplay extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StopReplay() {
            super("replay stopped", null, false, false);
        }
    }

    private static int recorderPid(List<String> comments) {
        for (String c : comments) {
            if (c.startsWith(PcapngRecorder.RECORDER_PID)) {
                try {
                    return Integer.parseInt(c.substring(PcapngRecorder.RECORDER_PID.length()));
                } catch (NumberFormatException e) {
                    return ProcessStage.NONE;
                }
            }
        }
        return ProcessStage.NONE;
    }
}
