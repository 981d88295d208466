package io.upcall.protocol.uevent;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A uevent's {@code KEY=VALUE} properties as an unmodifiable map, kept as the bytes that came in: one
 * array and the bounds of each property. Strings are made only for what is asked for (and then kept), so a
 * uevent that is filtered out or written straight to JSON ({@link #forEachRaw}) costs one copy of its bytes.
 * At 170 k uevents/s, the strings and map nodes of a {@code LinkedHashMap} were most of what the reading
 * thread allocated and what queued events held on to.
 *
 * <p>Keys are unique and ASCII (the decoder uses an ordinary map for a message with a repeated or non-ASCII key, or
 * with more than 64 keys, which the kernel never sends), so comparing a key's bytes with a string's chars is exact,
 * and a lookup compares at most 64 keys; keys iterate in the order sent.
 */
public final class UeventProperties extends AbstractMap<String, String> {
    private final byte[] bytes;
    /** Per property i: {@code bounds[3i]} key start, {@code [3i+1]} the '=', {@code [3i+2]} value end. */
    private final int[] bounds;
    private final int count;
    private final String[] keys;
    private final String[] values;
    private Set<Entry<String, String>> entries;

    UeventProperties(byte[] bytes, int[] bounds, int count) {
        this.bytes = bytes;
        this.bounds = bounds;
        this.count = count;
        this.keys = new String[count];
        this.values = new String[count];
    }

    /** Receives one property's bytes: {@code bytes[keyFrom, keyTo)} and {@code bytes[valueFrom, valueTo)}. */
    @FunctionalInterface
    public interface RawProperty {
        void accept(byte[] bytes, int keyFrom, int keyTo, int valueFrom, int valueTo);
    }

    /** Hands each property's bytes to {@code sink} in order, making no strings; the sink must not change them. */
    public void forEachRaw(RawProperty sink) {
        for (int i = 0; i < count; i++) {
            sink.accept(bytes, bounds[3 * i], bounds[3 * i + 1], bounds[3 * i + 1] + 1, bounds[3 * i + 2]);
        }
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public String get(Object key) {
        int i = key instanceof String s ? indexOf(s) : -1;
        return i < 0 ? null : value(i);
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String s && indexOf(s) >= 0;
    }

    private int indexOf(String key) {
        int n = key.length();
        for (int i = 0; i < count; i++) {
            int from = bounds[3 * i];
            if (bounds[3 * i + 1] - from == n && sameChars(key, from)) {
                return i;
            }
        }
        return -1;
    }

    /** Compares an ASCII key's bytes to chars (a char above 0x7f never equals a byte of an ASCII key). */
    private boolean sameChars(String key, int from) {
        for (int j = 0; j < key.length(); j++) {
            if (bytes[from + j] != key.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    private String key(int i) {
        String k = keys[i];
        if (k == null) {
            k = new String(bytes, bounds[3 * i], bounds[3 * i + 1] - bounds[3 * i], StandardCharsets.UTF_8);
            keys[i] = k; // a benign race: any thread makes the same immutable string
        }
        return k;
    }

    private String value(int i) {
        String v = values[i];
        if (v == null) {
            int from = bounds[3 * i + 1] + 1;
            v = new String(bytes, from, bounds[3 * i + 2] - from, StandardCharsets.UTF_8);
            values[i] = v;
        }
        return v;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        if (entries == null) {
            entries = new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, String>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < count;
                        }

                        @Override
                        public Entry<String, String> next() {
                            if (next >= count) {
                                throw new NoSuchElementException();
                            }
                            int i = next++;
                            return new SimpleImmutableEntry<>(key(i), value(i));
                        }
                    };
                }

                @Override
                public int size() {
                    return count;
                }
            };
        }
        return entries;
    }

    @Override
    public String put(String key, String value) {
        throw new UnsupportedOperationException("uevent properties are read-only");
    }

    @Override
    public String remove(Object key) {
        throw new UnsupportedOperationException("uevent properties are read-only");
    }

    /** Whether the key of property {@code i} equals that of property {@code j}. */
    static boolean sameKey(byte[] bytes, int[] bounds, int i, int j) {
        int a = bounds[3 * i];
        int b = bounds[3 * j];
        int n = bounds[3 * i + 1] - a;
        if (bounds[3 * j + 1] - b != n) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (bytes[a + k] != bytes[b + k]) {
                return false;
            }
        }
        return true;
    }
}
