package io.upcall.core.audit;

import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.linux.ReceiveBatch;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.audit.Audit;
import io.upcall.protocol.audit.AuditRule;
import io.upcall.protocol.audit.AuditStatus;
import io.upcall.protocol.netlink.Netlink;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests to the kernel's audit control ({@code NETLINK_AUDIT}, unicast to port 0): {@code AUDIT_GET} for the status,
 * {@code AUDIT_SET} to change it, and adding, deleting and listing rules. Each request asks for an acknowledgement; a refusal (an {@code NLMSG_ERROR} with
 * an errno) is thrown as a {@link LinuxException} naming the request. Needs {@code CAP_AUDIT_CONTROL} (root).
 */
public final class AuditControl implements AutoCloseable {
    private static final int REPLY_WAIT_MILLIS = 1000;
    private static final int ETIMEDOUT = 110;

    private final NetlinkSocket socket;
    private final boolean owned;
    private int seq;

    private AuditControl(NetlinkSocket socket) {
        this(socket, true);
    }

    private AuditControl(NetlinkSocket socket, boolean owned) {
        this.socket = socket;
        this.owned = owned;
    }

    /**
     * Requests over {@code socket}, which stays the caller's (closing this leaves it open): the audit daemon registers
     * the socket its records are to come to.
     */
    static AuditControl over(NetlinkSocket socket) {
        return new AuditControl(socket, false);
    }

    /** Opens a unicast audit socket. */
    public static AuditControl open() throws LinuxException {
        NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_AUDIT);
        try {
            s.bind(0);
            return new AuditControl(s);
        } catch (LinuxException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The status now ({@code AUDIT_GET}). */
    public AuditStatus status() throws LinuxException {
        int s = ++seq;
        socket.send(AuditStatus.getRequest(s));
        AuditStatus[] found = new AuditStatus[1];
        await(s, "AUDIT_GET", (cursor, batch, i) -> {
            if (cursor.type() == Audit.AUDIT_GET && found[0] == null
                    && AuditStatus.decode(batch.data(i), cursor.payloadOffset(), cursor.payloadLength())
                    instanceof DecodeResult.Decoded<AuditStatus>(AuditStatus status)) {
                found[0] = status;
            }
            return found[0] != null;
        });
        return found[0];
    }

    /** Changes what {@code change}'s mask names ({@code AUDIT_SET}), and waits for the kernel's acknowledgement. */
    public void set(AuditStatus change) throws LinuxException {
        int s = ++seq;
        socket.send(change.setRequest(s));
        await(s, "AUDIT_SET", null);
    }

    /** Adds a rule ({@code AUDIT_ADD_RULE}); EEXIST when the kernel has it already. */
    public void addRule(AuditRule rule) throws LinuxException {
        int s = ++seq;
        socket.send(rule.addRequest(s));
        await(s, "AUDIT_ADD_RULE", null);
    }

    /** Deletes a rule ({@code AUDIT_DEL_RULE}, matched on the whole rule); ENOENT when the kernel has none such. */
    public void deleteRule(AuditRule rule) throws LinuxException {
        int s = ++seq;
        socket.send(rule.deleteRequest(s));
        await(s, "AUDIT_DEL_RULE", null);
    }

    /** The keys of the rules in the kernel now ({@code AUDIT_LIST_RULES}); a rule without a key gives an empty string. */
    public List<String> ruleKeys() throws LinuxException {
        List<String> keys = new ArrayList<>();
        for (byte[] rule : listRules()) {
            String key = AuditRule.keyOf(rule);
            keys.add(key == null ? "" : key);
        }
        return keys;
    }

    /**
     * The rules in the kernel now, in its order ({@code AUDIT_LIST_RULES}): each a {@code struct audit_rule_data} as
     * the kernel sent it, for {@link io.upcall.protocol.audit.AuditRuleData#decode}.
     */
    public List<byte[]> listRules() throws LinuxException {
        int s = ++seq;
        socket.send(AuditStatus.request(Audit.AUDIT_LIST_RULES, s, new byte[0]));
        List<byte[]> rules = new ArrayList<>();
        await(s, "AUDIT_LIST_RULES", (cursor, batch, i) -> {
            if (cursor.type() == Audit.AUDIT_LIST_RULES) {
                byte[] rule = new byte[cursor.payloadLength()];
                MemorySegment.copy(batch.data(i), ValueLayout.JAVA_BYTE, cursor.payloadOffset(), rule, 0, rule.length);
                rules.add(rule);
            }
            return cursor.type() == Netlink.NLMSG_DONE;
        });
        return rules;
    }

    private interface Reply {
        /** @return true when this frame is the answer awaited */
        boolean accept(NetlinkCursor cursor, ReceiveBatch batch, int i);
    }

    /**
     * Reads the kernel's frames for request {@code s} until the ack (0) came and, unless {@code reply} is null, until
     * {@code reply} has its answer.
     */
    private void await(int s, String request, Reply reply) throws LinuxException {
        NetlinkCursor cursor = new NetlinkCursor();
        long deadline = System.nanoTime() + REPLY_WAIT_MILLIS * 1_000_000L;
        boolean acked = false;
        boolean answered = reply == null;
        try (ReceiveBatch batch = new ReceiveBatch(8, 8192)) {
            while (System.nanoTime() < deadline && !(acked && answered)) {
                int n = socket.receive(batch);
                if (n <= 0) {
                    socket.poll(50);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    if (batch.senderPort(i) != 0) {
                        continue; // only the kernel answers
                    }
                    cursor.reset(batch.data(i));
                    while (cursor.next()) {
                        if (cursor.seq() != s) {
                            continue;
                        }
                        if (cursor.type() == Netlink.NLMSG_ERROR) {
                            int err = -cursor.errorCode();
                            if (err != 0) {
                                throw new LinuxException(request + "(NETLINK_AUDIT)", err);
                            }
                            acked = true;
                        } else if (reply != null) {
                            answered |= reply.accept(cursor, batch, i);
                        }
                    }
                }
            }
        }
        if (!(acked && answered)) {
            throw new LinuxException(request + "(NETLINK_AUDIT): no answer within 1 s", ETIMEDOUT);
        }
    }

    @Override
    public void close() {
        if (owned) {
            socket.close();
        }
    }
}
