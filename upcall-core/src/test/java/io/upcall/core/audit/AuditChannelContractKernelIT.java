package io.upcall.core.audit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.channel.Availability;
import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelContract;
import io.upcall.linux.NetlinkSocket;
import io.upcall.protocol.audit.AuditStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The channel contract for audit. Provoking sends a user-space {@code USER_AVC} message (type 1107) to the kernel, which
 * relays it to the multicast group even while auditing is disabled: nothing in the kernel's audit state changes, and
 * auditd, if one runs, logs one line saying {@code upcall contract test}.
 */
class AuditChannelContractKernelIT extends ChannelContract<AuditOptions> {
    static final int AUDIT_USER_AVC = 1107;

    @Override
    protected Channel<AuditOptions> channel() {
        return AuditChannel.INSTANCE;
    }

    @Override
    protected List<byte[]> badMessages() {
        byte[] noHeader = AuditStatus.request(1300, 0, "arch=c000003e syscall=1".getBytes(StandardCharsets.US_ASCII));
        byte[] shortFrame = {8, 0, 0, 0, 20, 5};
        byte[] openQuote = AuditStatus.request(1300, 0, "audit(1.002:3): comm=\"x".getBytes(StandardCharsets.US_ASCII));
        return List.of(noHeader, shortFrame, openQuote);
    }

    @Override
    protected void assumeLive() {
        Availability a = AuditChannel.INSTANCE.probe();
        assumeTrue(a.available(), a.detail());
    }

    @Override
    protected void provoke() throws Exception {
        sendUserAvc("upcall contract test " + UUID.randomUUID());
    }

    /** Sends a USER_AVC message with {@code text} (relayed whether or not auditing is enabled). */
    static void sendUserAvc(String text) throws Exception {
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_AUDIT)) {
            s.bind(0);
            s.send(AuditStatus.request(AUDIT_USER_AVC, 1, (text + "\0").getBytes(StandardCharsets.UTF_8)));
        }
    }
}
