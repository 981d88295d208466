package io.upcall.core;

import java.lang.foreign.MemorySegment;
import java.time.Instant;

/**
 * Sees every datagram a source receives, exactly as the kernel sent it, before decoding: what
 * {@code upcall record} writes. Called on the source's reading thread, so it must not block for long;
 * the segment is valid only during the call.
 */
@FunctionalInterface
public interface RawTap {

    /**
     * @param family      the netlink family ({@code NETLINK_CONNECTOR} = 11, ...)
     * @param senderPort  the sender's port id ({@code nl_pid}; 0 = the kernel)
     * @param groups      the multicast groups mask it was sent to (0 = unicast)
     * @param received    when the datagram was read
     */
    void accept(int family, int senderPort, int groups, Instant received, MemorySegment datagram);
}
