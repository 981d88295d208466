package io.upcall.core.device;

import io.upcall.core.channel.Deferred;
import io.upcall.core.channel.Envelope;
import io.upcall.core.event.Event;
import io.upcall.linux.ReceiveBatch;
import io.upcall.linux.Ucred;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.util.List;

/**
 * A deferred batch: the uevent datagrams of one receive, copied as they came (bytes, sender, credentials) into a few arrays,
 * and checked and decoded only on the dispatch thread ({@link UeventMessageDecoder}). Measured under a uevent
 * storm (BENCHMARKS.md): decoding on the reading thread left it allocating strings and maps per uevent, and
 * young collections that copied the queued events stalled it past what the socket buffer holds.
 */
final class DeferredUevents implements Deferred {
    private final UeventMessageDecoder decoder;
    private final Instant received;
    private final byte[] bytes;
    /** Datagram i is {@code bytes[ends[i-1], ends[i])} (from 0 for the first). */
    private final int[] ends;
    private final int[] senders;
    private final int[] groups;
    /** Per datagram: pid, uid, gid of {@code SCM_CREDENTIALS}; {@code hasCredentials[i]} says if there were any. */
    private final int[] credentials;
    private final boolean[] hasCredentials;
    private final boolean[] truncated;
    private final int truncatedAt;

    private DeferredUevents(UeventMessageDecoder decoder, Instant received, int n, int totalBytes, int truncatedAt) {
        this.decoder = decoder;
        this.received = received;
        this.bytes = new byte[totalBytes];
        this.ends = new int[n];
        this.senders = new int[n];
        this.groups = new int[n];
        this.credentials = new int[3 * n];
        this.hasCredentials = new boolean[n];
        this.truncated = new boolean[n];
        this.truncatedAt = truncatedAt;
    }

    /** Copies datagrams {@code [0, n)} of {@code batch}; {@code truncatedAt} is the size a truncated one was cut to. */
    static DeferredUevents copy(UeventMessageDecoder decoder, ReceiveBatch batch, int n, Instant received, int truncatedAt) {
        int total = 0;
        for (int i = 0; i < n; i++) {
            total += (int) batch.data(i).byteSize();
        }
        DeferredUevents raw = new DeferredUevents(decoder, received, n, total, truncatedAt);
        int at = 0;
        for (int i = 0; i < n; i++) {
            MemorySegment data = batch.data(i);
            int length = (int) data.byteSize();
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, raw.bytes, at, length);
            at += length;
            raw.ends[i] = at;
            raw.senders[i] = batch.senderPort(i);
            raw.groups[i] = batch.senderGroups(i);
            raw.truncated[i] = batch.truncated(i);
            Ucred c = batch.credentials(i);
            if (c != null) {
                raw.hasCredentials[i] = true;
                raw.credentials[3 * i] = c.pid();
                raw.credentials[3 * i + 1] = c.uid();
                raw.credentials[3 * i + 2] = c.gid();
            }
        }
        return raw;
    }

    @Override
    public void expand(List<Event> out) {
        MemorySegment all = MemorySegment.ofArray(bytes);
        int from = 0;
        for (int i = 0; i < ends.length; i++) {
            Ucred c = hasCredentials[i]
                    ? new Ucred(credentials[3 * i], credentials[3 * i + 1], credentials[3 * i + 2])
                    : null;
            decoder.decode(all.asSlice(from, ends[i] - from), new Envelope(senders[i], groups[i], c,
                    truncated[i] ? truncatedAt : -1), received, out);
            from = ends[i];
        }
    }
}
