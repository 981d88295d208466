package io.upcall.core.proc;

import java.util.Arrays;

/**
 * Finds loss in the proc connector's per-CPU {@code cn_msg.seq}: the kernel numbers the events it sends
 * from each CPU 0, 1, 2, ... under a per-CPU lock, so on one CPU a jump from n to n+k means k-1 events
 * never reached this socket. The first event seen on a CPU only sets the baseline. Counters are
 * unsigned 32-bit and wrap.
 *
 * <p>Only meaningful when the socket receives every event: with a kernel-side filter, the events it
 * filters out still take sequence numbers.
 */
final class SequenceTracker {
    private long[] next = new long[0];

    /**
     * Records {@code seq} from {@code cpu}.
     * @return events missing before this one on that CPU (0 when none, or for a CPU the kernel did not name)
     */
    long observe(int cpu, int seq) {
        if (cpu < 0 || cpu > 65535) {
            return 0;
        }
        if (cpu >= next.length) {
            int old = next.length;
            next = Arrays.copyOf(next, Math.max(cpu + 1, old * 2));
            Arrays.fill(next, old, next.length, -1);
        }
        long s = Integer.toUnsignedLong(seq);
        long expected = next[cpu];
        next[cpu] = (s + 1) & 0xffffffffL;
        if (expected < 0) {
            return 0;
        }
        long gap = (s - expected) & 0xffffffffL;
        // A "gap" of more than half the counter is a reordering or a reset, not billions of lost events.
        return gap < 0x80000000L ? gap : 0;
    }
}
