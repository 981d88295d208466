package io.upcall.core.channel;

import io.upcall.linux.Ucred;

/**
 * What came with a message besides its bytes: who sent it and whether it was cut. A netlink channel has all of
 * it live; a replay has the sender port and groups the cooked header recorded, never credentials; a channel
 * that is not netlink has {@link #NONE}.
 *
 * @param senderPort  the sender's netlink port id ({@code nl_pid}; 0 is the kernel)
 * @param groups      the multicast groups it was sent to (0: unicast, or not recorded)
 * @param credentials {@code SCM_CREDENTIALS} as the kernel attached them, or null (not asked for, or a replay)
 * @param truncatedAt the buffer size when the kernel cut the message ({@code MSG_TRUNC}), or -1
 */
public record Envelope(int senderPort, int groups, Ucred credentials, long truncatedAt) {
    /** From the kernel, whole, nothing more known. */
    public static final Envelope NONE = new Envelope(0, 0, null, -1);

    /** A message as a capture recorded it: sender port and groups, no credentials, not truncated. */
    public static Envelope recorded(int senderPort, int groups) {
        return new Envelope(senderPort, groups, null, -1);
    }
}
