package io.upcall.core.netlink;

import io.upcall.core.channel.Envelope;
import io.upcall.core.event.Event;
import io.upcall.core.event.MalformedEvent;
import io.upcall.core.event.RejectedEvent;
import java.time.Instant;
import java.util.List;

/**
 * The checks every netlink channel makes before it decodes a datagram: only the kernel is believed (sender port
 * id 0: udev's CVE-2009-1185 was a message from user space believed), and a datagram the kernel had to cut is
 * reported, not decoded.
 */
public final class KernelSender {
    private KernelSender() {}

    /** Both checks, as a channel whose every message comes from the kernel makes them: {@link #isKernel}, then {@link #isWhole}. */
    public static boolean isWholeFromKernel(String channel, Envelope envelope, Instant received, List<Event> out) {
        return isKernel(channel, envelope, received, out) && isWhole(channel, envelope, received, out);
    }

    /** Adds a {@link RejectedEvent} and returns false unless the kernel (port id 0) sent it. */
    public static boolean isKernel(String channel, Envelope envelope, Instant received, List<Event> out) {
        if (envelope.senderPort() == 0) {
            return true;
        }
        out.add(new RejectedEvent(received, channel, envelope.senderPort(), "sender port id "
                + Integer.toUnsignedString(envelope.senderPort()) + " is not the kernel"));
        return false;
    }

    /** Adds a {@link MalformedEvent} ({@code truncated}) and returns false when the datagram was cut. */
    public static boolean isWhole(String channel, Envelope envelope, Instant received, List<Event> out) {
        if (envelope.truncatedAt() < 0) {
            return true;
        }
        out.add(new MalformedEvent(received, channel, "truncated", envelope.truncatedAt(), "datagram longer than "
                + envelope.truncatedAt() + " bytes"));
        return false;
    }
}
