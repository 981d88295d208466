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
 * receive timeout can close events that have no EOE ({@link AuditMessageDecoder#idle}) and poll the kernel's
 * {@code lost} counter ({@link LostCounter}) through a control socket of its own.
 *
 * <p>As the audit daemon ({@link AuditOptions#daemon}), the socket joins no group: it registers itself
 * ({@link AuditDaemonRole}) and the kernel sends the records to it alone; the role is given back when the channel
 * closes, before the control socket closes.
 */
final class AuditSource {
    /** {@code MAX_AUDIT_MESSAGE_LENGTH} is 8970: one record per datagram, with room. */
    private static final int MESSAGE_BYTES = 10240;

    private AuditSource() {}

    static NetlinkSource open(AuditOptions options, ChannelContext context) throws LinuxException {
        NetlinkSource.Spec spec = new NetlinkSource.Spec(AuditChannel.NAME, NetlinkSocket.NETLINK_AUDIT, MESSAGE_BYTES,
                "receive buffer overflow (ENOBUFS)");
        AuditControl control = options.daemon() ? AuditControl.open() : lostCounter(context);
        LostCounter lost = control == null ? null : new LostCounter(() -> control.status().lost());
        try {
            return NetlinkSource.open(spec, options.receiveBuffer(), new NetlinkSource.Subscription() {
                /** Whether this socket took the daemon role: only then is it given back. */
                private boolean registered;

                @Override
                public void subscribe(NetlinkSocket socket) throws LinuxException {
                    if (options.daemon()) {
                        socket.bind(0);
                        AuditDaemonRole.take(control, socket, context::warn);
                        registered = true;
                    } else {
                        socket.bind(1 << (Audit.AUDIT_NLGRP_READLOG - 1));
                    }
                }

                @Override
                public void unsubscribe(NetlinkSocket socket) throws LinuxException {
                    if (control == null) {
                        return;
                    }
                    try {
                        if (registered) {
                            AuditDaemonRole.giveBack(control);
                        }
                    } finally {
                        control.close();
                    }
                }
            }, new NetlinkSource.Reading.Inline(new AuditMessageDecoder(options, lost)), context);
        } catch (LinuxException | RuntimeException e) {
            if (control != null) {
                control.close();
            }
            throw e;
        }
    }

    /** A control socket that can read the kernel's lost counter, or null (with a warning) when it cannot. */
    private static AuditControl lostCounter(ChannelContext context) {
        AuditControl control = null;
        try {
            control = AuditControl.open();
            control.status();
            return control;
        } catch (LinuxException e) {
            if (control != null) {
                control.close();
            }
            context.warn("the kernel's audit lost counter cannot be read (" + e.getMessage() + "; AUDIT_GET needs "
                    + "CAP_AUDIT_CONTROL): only receive buffer overflows are reported as loss");
            return null;
        }
    }
}
