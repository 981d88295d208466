package io.upcall.core.acct;

import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.Envelope;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.core.event.Event;
import io.upcall.core.event.MalformedEvent;
import io.upcall.core.netlink.KernelSender;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.genl.Genl;
import io.upcall.protocol.genl.GenlControlDecoder;
import io.upcall.protocol.genl.GenlFamily;
import io.upcall.protocol.netlink.Netlink;
import io.upcall.protocol.netlink.NetlinkCursor;
import io.upcall.protocol.taskstats.TaskStats;
import io.upcall.protocol.taskstats.Taskstats;
import io.upcall.protocol.taskstats.TaskstatsDecoder;
import io.upcall.protocol.taskstats.TaskstatsField;
import io.upcall.protocol.taskstats.TaskstatsReply;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns generic netlink datagrams into accounting records, the same way live, in the recorder and in replay.
 *
 * <p>The {@code TASKSTATS} family's message type is assigned at boot, so it is learned from the stream itself: the
 * live source asks the controller for it on its own socket ({@code CTRL_CMD_GETFAMILY}) before registering, and the
 * answer, like every datagram, is recorded; a replay learns the id from that answer in the capture. A message of
 * another type before the answer is malformed ({@code family_unknown}).
 *
 * <p>Threads are folded ({@link ThreadFold}): a thread's exit record waits until its group ends, which the kernel
 * marks with {@code AGROUP} in {@code ac_flag} on the record of the group's last task (version 12 on). Older records
 * carry no such mark and are reported one per task. Owned by one thread.
 */
final class AcctMessageDecoder implements MessageDecoder {
    private static final String CHANNEL = AcctChannel.NAME;
    /** Groups whose threads ended and whose end is awaited; more than this means ends were lost: forget the oldest. */
    static final int MAX_PENDING_GROUPS = 16_384;

    private final AcctOptions options;
    private final DecodeContext context;
    private final NetlinkCursor cursor = new NetlinkCursor();
    private final Map<Long, ThreadFold> pending = new LinkedHashMap<>();
    private int familyId = -1;

    AcctMessageDecoder(AcctOptions options, DecodeContext context) {
        this.options = options;
        this.context = context;
    }

    /** The {@code TASKSTATS} family id learned so far, or -1. */
    int familyId() {
        return familyId;
    }

    @Override
    public void decode(MemorySegment datagram, Envelope envelope, Instant received, List<Event> out) {
        if (!KernelSender.isWholeFromKernel(CHANNEL, envelope, received, out)) {
            return;
        }
        cursor.reset(datagram);
        while (cursor.next()) {
            int type = cursor.type();
            if (type == Genl.GENL_ID_CTRL) {
                control(datagram, received, out);
            } else if (type == Netlink.NLMSG_ERROR) {
                if (cursor.errorCode() != 0) {
                    context.errors().onError(CHANNEL + " source", new IllegalStateException(
                            "the kernel refused a taskstats request: NLMSG_ERROR " + cursor.errorCode()));
                }
            } else if (type == Netlink.NLMSG_NOOP || type == Netlink.NLMSG_DONE) {
                continue;
            } else if (type != familyId) {
                out.add(new MalformedEvent(received, CHANNEL, familyId < 0 ? "family_unknown" : "foreign_family",
                        cursor.offset(), "message type " + type + (familyId < 0
                                ? " before the controller named the TASKSTATS family"
                                : " is not TASKSTATS (" + familyId + ")")));
            } else {
                taskstats(datagram, received, out);
            }
        }
        if (cursor.malformedKind() != null) {
            out.add(new MalformedEvent(received, CHANNEL, cursor.malformedKind(), cursor.offset(), cursor.malformedDetail()));
        }
    }

    private void control(MemorySegment datagram, Instant received, List<Event> out) {
        switch (GenlControlDecoder.decode(datagram, cursor.payloadOffset(), cursor.payloadLength())) {
            case DecodeResult.Decoded<GenlFamily> d -> {
                if (Taskstats.TASKSTATS_GENL_NAME.equals(d.value().name())) {
                    familyId = d.value().id();
                }
            }
            case DecodeResult.Skipped<GenlFamily> s -> { }
            case DecodeResult.Malformed<GenlFamily> m -> out.add(new MalformedEvent(received, CHANNEL, m.kind(), m.offset(),
                    m.detail()));
        }
    }

    private void taskstats(MemorySegment datagram, Instant received, List<Event> out) {
        switch (TaskstatsDecoder.decode(datagram, cursor.payloadOffset(), cursor.payloadLength())) {
            case DecodeResult.Decoded<TaskstatsReply> d -> {
                for (TaskstatsReply.Aggregate a : d.value().aggregates()) {
                    if (!a.threadGroup()) {
                        task(a.stats(), received, out); // the group aggregate is a subset of what the fold sums
                    }
                }
            }
            case DecodeResult.Skipped<TaskstatsReply> s -> { }
            case DecodeResult.Malformed<TaskstatsReply> m -> out.add(new MalformedEvent(received, CHANNEL, m.kind(),
                    m.offset(), m.detail()));
        }
    }

    private void task(TaskStats stats, Instant received, List<Event> out) {
        if (!stats.has(TaskstatsField.AC_TGID)) {
            keep(new AcctEvent(received, AcctEvent.EXIT, stats, 1), out); // before version 12: no groups to fold
            return;
        }
        long tgid = stats.get(TaskstatsField.AC_TGID);
        boolean groupEnded = (stats.get(TaskstatsField.AC_FLAG) & Taskstats.AGROUP) != 0;
        if (options.threads() && (!groupEnded || pending.containsKey(tgid))) {
            keep(new AcctEvent(received, AcctEvent.THREAD_EXIT, stats, 1), out);
        }
        ThreadFold fold = groupEnded ? (pending.isEmpty() ? null : pending.remove(tgid))
                : pending.computeIfAbsent(tgid, k -> new ThreadFold());
        if (groupEnded) {
            // A single-threaded process (most of them): nothing to sum, its own record is the group's.
            keep(fold == null && stats.get(TaskstatsField.AC_PID, -1) == tgid
                    ? new AcctEvent(received, AcctEvent.EXIT, ThreadFold.alone(stats), 1)
                    : (fold == null ? new ThreadFold() : fold).finish(stats, tgid, received), out);
            return;
        }
        fold.add(stats, tgid);
        if (pending.size() > MAX_PENDING_GROUPS) {
            Iterator<Long> oldest = pending.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private void keep(AcctEvent e, List<Event> out) {
        if (options.decoderKeeps(e)) {
            out.add(e);
        }
    }
}
