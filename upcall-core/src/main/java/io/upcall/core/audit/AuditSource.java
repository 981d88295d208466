package io.upcall.core.audit;

import io.upcall.core.channel.ChannelContext;
import io.upcall.core.netlink.NetlinkSource;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.protocol.audit.Audit;

/**
 * Audit records live: a {@code NETLINK_AUDIT} socket in the read-only multicast group {@code AUDIT_NLGRP_READLOG}
 * (needs {@code CAP_AUDIT_READ}), which receives a copy of every record beside the audit daemon, whoever that is, and
 * changes nothing in the kernel. Records are decoded and reassembled on the reading thread, so that the reader's
 * receive timeout can close events that have no EOE ({@link AuditMessageDecoder#idle}).
 */
final class AuditSource {
    /** {@code MAX_AUDIT_MESSAGE_LENGTH} is 8970: one record per datagram, with room. */
    private static final int MESSAGE_BYTES = 10240;

    private AuditSource() {}

    static NetlinkSource open(AuditOptions options, ChannelContext context) throws LinuxException {
        NetlinkSource.Spec spec = new NetlinkSource.Spec(AuditChannel.NAME, NetlinkSocket.NETLINK_AUDIT, MESSAGE_BYTES,
                "receive buffer overflow (ENOBUFS)");
        return NetlinkSource.open(spec, options.receiveBuffer(),
                socket -> socket.bind(1 << (Audit.AUDIT_NLGRP_READLOG - 1)),
                new NetlinkSource.Reading.Inline(new AuditMessageDecoder(options)), context);
    }
}
