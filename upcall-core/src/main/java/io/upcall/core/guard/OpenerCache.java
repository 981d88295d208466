package io.upcall.core.guard;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Openers by pid, for the stream only (never for a decision: a process's executable and uid change under the same
 * pid, see {@link Openers}): at most {@value #CAPACITY}, each kept {@value #TTL_MILLIS} ms. It spares an open storm
 * from one process a {@code /proc} read per event. Shared by the decision threads (a replaced one may still run).
 */
final class OpenerCache {
    static final int CAPACITY = 1024;
    static final long TTL_MILLIS = 1_000;

    private record Cached(Opener opener, long readNanos) {}

    private final IntFunction<Opener> openers;
    private final Map<Integer, Cached> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Cached> eldest) {
            return size() > CAPACITY;
        }
    };

    OpenerCache(IntFunction<Opener> openers) {
        this.openers = openers;
    }

    /** The cached opener if fresh, else read now (and kept if it could be read). */
    Opener get(int pid) {
        long now = System.nanoTime();
        synchronized (entries) {
            Cached e = entries.get(pid);
            if (e != null && now - e.readNanos() < TTL_MILLIS * 1_000_000L) {
                return e.opener();
            }
        }
        Opener o = openers.apply(pid); // outside the lock: a slow read holds up only this thread
        if (o.known()) {
            put(o);
        }
        return o;
    }

    void put(Opener o) {
        synchronized (entries) {
            entries.put(o.pid(), new Cached(o, System.nanoTime()));
        }
    }
}
