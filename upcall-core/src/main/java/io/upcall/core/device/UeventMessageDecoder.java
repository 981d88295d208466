package io.upcall.core.device;

import io.upcall.core.channel.Envelope;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.core.event.Event;
import io.upcall.core.event.GapEvent;
import io.upcall.core.event.MalformedEvent;
import io.upcall.core.event.RejectedEvent;
import io.upcall.core.netlink.KernelSender;
import io.upcall.linux.Ucred;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.uevent.Uevent;
import io.upcall.protocol.uevent.UeventDecoder;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.List;

/**
 * Verifies and decodes {@code NETLINK_KOBJECT_UEVENT} datagrams, the same way live, in the recorder and in replay. Only the
 * kernel is believed on group 1 (sender port 0, and with credentials: uid 0; CVE-2009-1185 was a uevent
 * from user space believed), and udev's group 2 only with the libudev magic from uid 0. Holes in the
 * kernel's {@code SEQNUM} become {@link GapEvent}s. Owned by one thread.
 */
final class UeventMessageDecoder implements MessageDecoder {
    private static final String CHANNEL = DeviceChannel.NAME;
    private static final int KERNEL_GROUP = 1;

    private final DeviceOptions options;
    private final boolean requireCredentials;
    private long lastSeqnum = -1;

    /**
     * @param requireCredentials live: a message without {@code SCM_CREDENTIALS} is refused; replay: credentials
     *                           were not recorded, so the sender port alone decides
     */
    UeventMessageDecoder(DeviceOptions options, boolean requireCredentials) {
        this.options = options;
        this.requireCredentials = requireCredentials;
    }

    @Override
    public void decode(MemorySegment datagram, Envelope envelope, Instant received, List<Event> out) {
        int senderPort = envelope.senderPort();
        Ucred creds = envelope.credentials();
        // A capture that did not record the groups (classic pcap from nlmon) says 0: the kernel's group.
        boolean kernelGroup = (envelope.groups() & KERNEL_GROUP) != 0 || envelope.groups() == 0;
        if (kernelGroup && !KernelSender.isKernel(CHANNEL, envelope, received, out)) {
            return;
        }
        if (requireCredentials && creds == null) {
            out.add(new RejectedEvent(received, CHANNEL, senderPort, "no SCM_CREDENTIALS: cannot tell who sent it"));
            return;
        }
        if (creds != null && creds.uid() != 0) {
            out.add(new RejectedEvent(received, CHANNEL, senderPort, "sent by uid " + creds.uid() + ", not root"));
            return;
        }
        if (!KernelSender.isWhole(CHANNEL, envelope, received, out)) {
            return;
        }
        switch (UeventDecoder.decode(datagram, 0, datagram.byteSize())) {
            case DecodeResult.Decoded<Uevent> d -> event(d.value(), kernelGroup, received, out);
            case DecodeResult.Skipped<Uevent> s -> { }
            case DecodeResult.Malformed<Uevent> m -> out.add(new MalformedEvent(received, CHANNEL, m.kind(), m.offset(),
                    m.detail()));
        }
    }

    private void event(Uevent u, boolean kernelGroup, Instant received, List<Event> out) {
        if (u.udev() == kernelGroup) {
            out.add(new RejectedEvent(received, CHANNEL, 0, u.udev() ? "a libudev message on the kernel's group"
                    : "a kernel-format message on udev's group"));
            return;
        }
        if (!u.udev()) {
            long seq = u.seqnum();
            if (seq > 0 && lastSeqnum > 0 && seq > lastSeqnum + 1) {
                out.add(new GapEvent(received, CHANNEL, lastSeqnum + 1, seq - 1, "SEQNUM jumped from " + lastSeqnum + " to "
                        + seq + "; may be uevents of devices in other network namespaces"));
            }
            if (seq > 0) {
                lastSeqnum = Math.max(lastSeqnum, seq);
            }
        }
        if (options.keeps(u)) {
            out.add(new DeviceEvent(received, u));
        }
    }
}
