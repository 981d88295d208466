package io.upcall.core;

import io.upcall.linux.NetlinkSocket;
import io.upcall.protocol.pcap.NetlinkCookedHeader;
import io.upcall.protocol.pcap.Pcapng;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes every raw datagram a source receives to a pcapng file ({@code docs/capture-format.md}): one
 * {@code LINKTYPE_NETLINK} interface, each packet the 16-byte cooked header (family, sender port id,
 * groups) and the datagram exactly as received, stamped in nanoseconds with the event's own time for a
 * process event (its kernel timestamp on the wall clock, as the live stream shows it), else the receive time.
 *
 * <p>It also decodes each datagram as a replay will, so that {@code --count N} stops the recording
 * right after the datagram that makes the Nth event of the replay; nothing after it is written.
 * Runs on the sources' reading threads, one at a time (synchronized: several sources share one file);
 * output is buffered.
 */
public final class PcapngRecorder implements RawTap, AutoCloseable {
    /** Section comment with the recorder's pid, so a replay can leave out its threads as live does. */
    static final String RECORDER_PID = "upcall-recorder-pid=";

    private final OutputStream out;
    private final long limit;
    private final Runnable onLimit;
    private final int self;
    private final WallClock wall = WallClock.system();
    private final ProcDatagrams decoder = new ProcDatagrams(true, (e, received) -> wall.toInstant(e.timestampNs()), why -> { });
    private final UeventDatagrams uevents = new UeventDatagrams(DeviceOptions.defaults(), false);
    private final List<Event> scratch = new ArrayList<>();
    private long events;
    private long packets;
    private boolean full;
    private IOException failure;

    /**
     * @param limit   stop after the datagram that makes this many events (0: no limit)
     * @param onLimit called once, on the reading thread, when the limit is reached
     */
    public PcapngRecorder(OutputStream out, String application, long limit, Runnable onLimit) throws IOException {
        this.out = new BufferedOutputStream(out, 1 << 16);
        this.limit = limit;
        this.onLimit = onLimit;
        this.self = (int) ProcessHandle.current().pid();
        this.out.write(Pcapng.sectionHeader(application, RECORDER_PID + self));
        this.out.write(Pcapng.interfaceDescription(Pcapng.LINKTYPE_NETLINK, 65535, "netlink"));
    }

    @Override
    public synchronized void accept(int family, int senderPort, int groups, Instant received, MemorySegment datagram) {
        if (full || failure != null) {
            return;
        }
        scratch.clear();
        if (family == NetlinkSocket.NETLINK_KOBJECT_UEVENT) {
            uevents.accept(datagram, senderPort, groups, null, -1, received, scratch);
        } else {
            decoder.accept(datagram, senderPort, -1, received, scratch);
        }
        // A process event's packet carries the event's own time (the kernel's timestamp on the wall
        // clock), so a replay shows the times a live stream shows.
        Instant time = received;
        for (Event e : scratch) {
            if (e instanceof ProcessEvent pe) {
                time = pe.time();
                break;
            }
        }
        byte[] header = NetlinkCookedHeader.encode(family, senderPort, groups);
        byte[] packet = new byte[header.length + (int) datagram.byteSize()];
        System.arraycopy(header, 0, packet, 0, header.length);
        MemorySegment.copy(datagram, ValueLayout.JAVA_BYTE, 0, packet, header.length, (int) datagram.byteSize());
        long nanos = time.getEpochSecond() * 1_000_000_000L + time.getNano();
        try {
            out.write(Pcapng.enhancedPacket(0, nanos, packet, 0, packet.length));
        } catch (IOException e) {
            failure = e;
            onLimit.run();
            return;
        }
        packets++;
        for (Event e : scratch) {
            if (!(e instanceof ProcessEvent pe && ProcEvents.tgid(pe.kernel()) == self)) {
                events++;
            }
        }
        if (limit > 0 && events >= limit) {
            full = true;
            onLimit.run();
        }
    }

    /** Datagrams written. */
    public synchronized long packets() {
        return packets;
    }

    /** Events a replay of the file will show. */
    public synchronized long events() {
        return events;
    }

    /** Flushes and closes the file; rethrows a write failure met while recording. */
    @Override
    public synchronized void close() throws IOException {
        try {
            out.close();
        } finally {
            if (failure != null) {
                throw failure;
            }
        }
    }
}
