package io.upcall.core.audit;

import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelOptions;
import java.util.Set;

/**
 * How to receive audit events: from the read-only multicast group ({@code AUDIT_NLGRP_READLOG}), beside auditd; or, when
 * asked, as the audit daemon itself.
 *
 * @param keys          keep only events whose rule key is one of these (empty: all events)
 * @param receiveBuffer bytes of socket receive buffer to ask for (the kernel doubles it)
 * @param daemon        receive as the audit daemon ({@code AUDIT_SET} pid: records come unicast to this process, the
 *                      kernel no longer logs them itself), only when no other daemon is registered; the role is given
 *                      back when the channel closes
 */
public record AuditOptions(Set<String> keys, int receiveBuffer, boolean daemon) implements ChannelOptions {

    public AuditOptions {
        keys = Set.copyOf(keys);
        ChannelOptions.checkReceiveBuffer(receiveBuffer);
    }

    public static AuditOptions defaults() {
        return new AuditOptions(Set.of(), DEFAULT_RECEIVE_BUFFER, false);
    }

    @Override
    public Channel<?> channel() {
        return AuditChannel.INSTANCE;
    }

    @Override
    public AuditOptions withReceiveBuffer(int bytes) {
        return new AuditOptions(keys, bytes, daemon);
    }

    /** Only events carrying one of these rule keys. */
    public AuditOptions withKeys(Set<String> only) {
        return new AuditOptions(only, receiveBuffer, daemon);
    }

    /** As the audit daemon (only when no other is registered), or from the multicast group. */
    public AuditOptions withDaemon(boolean on) {
        return new AuditOptions(keys, receiveBuffer, on);
    }

    boolean keeps(AuditEvent e) {
        if (keys.isEmpty()) {
            return true;
        }
        for (String k : e.keys()) {
            if (keys.contains(k)) {
                return true;
            }
        }
        return false;
    }
}
