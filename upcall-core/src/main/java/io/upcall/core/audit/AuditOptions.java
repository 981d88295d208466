package io.upcall.core.audit;

import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelOptions;
import java.util.Set;

/**
 * How to receive audit events: from the read-only multicast group ({@code AUDIT_NLGRP_READLOG}), beside auditd.
 *
 * @param keys          keep only events whose rule key is one of these (empty: all events)
 * @param receiveBuffer bytes of socket receive buffer to ask for (the kernel doubles it)
 */
public record AuditOptions(Set<String> keys, int receiveBuffer) implements ChannelOptions {

    public AuditOptions {
        keys = Set.copyOf(keys);
        ChannelOptions.checkReceiveBuffer(receiveBuffer);
    }

    public static AuditOptions defaults() {
        return new AuditOptions(Set.of(), DEFAULT_RECEIVE_BUFFER);
    }

    @Override
    public Channel<?> channel() {
        return AuditChannel.INSTANCE;
    }

    @Override
    public AuditOptions withReceiveBuffer(int bytes) {
        return new AuditOptions(keys, bytes);
    }

    /** Only events carrying one of these rule keys. */
    public AuditOptions withKeys(Set<String> only) {
        return new AuditOptions(only, receiveBuffer);
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
