package io.upcall.core.channel;

/**
 * How a channel's messages are framed in a pcapng capture ({@code docs/capture-format.md}): a netlink channel's
 * under {@code LINKTYPE_NETLINK} with the cooked header naming its family, any other under a private link type
 * ({@code LINKTYPE_USER0..15}, 147..162) of its own.
 */
public sealed interface CaptureLink {

    /** A netlink channel: {@code family} is the protocol of {@code socket(AF_NETLINK, ..., family)}. */
    record Netlink(int family) implements CaptureLink {}

    /** A channel that is not netlink: its own link type, in {@code LINKTYPE_USER0} (147) .. {@code LINKTYPE_USER15} (162). */
    record Private(int linkType) implements CaptureLink {
        public Private {
            if (linkType < 147 || linkType > 162) {
                throw new IllegalArgumentException("private link types are 147..162 (LINKTYPE_USER0..15), not " + linkType);
            }
        }
    }
}
