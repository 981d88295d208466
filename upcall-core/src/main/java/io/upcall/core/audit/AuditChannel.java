package io.upcall.core.audit;

import io.upcall.core.channel.Availability;
import io.upcall.core.channel.CaptureLink;
import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelContext;
import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.LiveChannel;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;

/**
 * Audit events ({@code NETLINK_AUDIT}): the kernel's audit records, received from the read-only multicast group beside
 * auditd, grouped into events by serial. Receiving changes nothing in the kernel: which syscalls are audited is up to
 * the rules in place (auditctl's, or none).
 */
public final class AuditChannel implements Channel<AuditOptions> {
    /** The channel's name, in the stream and on the command line. */
    public static final String NAME = "audit";
    /** The one instance; {@link java.util.ServiceLoader} finds it through the public constructor. */
    public static final AuditChannel INSTANCE = new AuditChannel();

    /** For {@link java.util.ServiceLoader}; use {@link #INSTANCE}. */
    public AuditChannel() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "audit events (NETLINK_AUDIT, read-only multicast): syscalls, logins, config changes, ...";
    }

    @Override
    public AuditOptions defaults() {
        return AuditOptions.defaults();
    }

    @Override
    public Availability probe() {
        return AuditProbe.check();
    }

    @Override
    public CaptureLink link() {
        return new CaptureLink.Netlink(NetlinkSocket.NETLINK_AUDIT);
    }

    @Override
    public MessageDecoder decoder(AuditOptions options, DecodeContext context) {
        return new AuditMessageDecoder(options);
    }

    @Override
    public LiveChannel open(AuditOptions options, ChannelContext context) throws LinuxException {
        return AuditSource.open(options, context);
    }
}
