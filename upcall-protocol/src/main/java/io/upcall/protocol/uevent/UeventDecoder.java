package io.upcall.protocol.uevent;

import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes a {@code NETLINK_KOBJECT_UEVENT} datagram, in either format:
 * <ul>
 * <li>the kernel's ({@code lib/kobject_uevent.c}): {@code "ACTION@DEVPATH\0KEY=VALUE\0KEY=VALUE\0..."};</li>
 * <li>udev's ({@code libudev-monitor}): a header, then the properties:
 * <pre>{@code
 * struct udev_monitor_netlink_header {
 *     char prefix[8];                 // "libudev\0"
 *     unsigned magic;                 // htobe32(0xfeedcafe)
 *     unsigned header_size;           // host order, as the rest
 *     unsigned properties_off;
 *     unsigned properties_len;
 *     unsigned filter_subsystem_hash; // big-endian (murmur2)
 *     unsigned filter_devtype_hash;
 *     unsigned filter_tag_bloom_hi;
 *     unsigned filter_tag_bloom_lo;
 * };                                  // 40 bytes
 * }</pre></li>
 * </ul>
 * Any bytes give a result, never an exception.
 */
public final class UeventDecoder {
    public static final int UDEV_MAGIC = 0xfeedcafe;
    private static final int UDEV_HEADER = 40;
    private static final byte[] LIBUDEV = "libudev\0".getBytes(StandardCharsets.US_ASCII);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private UeventDecoder() {}

    /** Decodes {@code data[offset, offset + length)}; offsets in results are from {@code offset}'s datagram start. */
    public static DecodeResult<Uevent> decode(MemorySegment data, long offset, long length) {
        long end = Math.min(data.byteSize(), offset + length);
        if (end - offset <= 0) {
            return DecodeResult.malformed("empty", offset, "an empty uevent");
        }
        return startsWith(data, offset, end, LIBUDEV) ? udev(data, offset, end) : kernel(data, offset, end);
    }

    private static DecodeResult<Uevent> kernel(MemorySegment data, long offset, long end) {
        byte[] bytes = copy(data, offset, end);
        int headerEnd = indexOf(bytes, 0, (byte) 0);
        int at = indexOf(bytes, 0, headerEnd, (byte) '@');
        if (at <= 0 || at >= headerEnd - 1) {
            return DecodeResult.malformed("bad_header", offset, "no ACTION@DEVPATH header");
        }
        Parsed p = properties(bytes, Math.min(bytes.length, headerEnd + 1), bytes.length, offset);
        if (p.fault() != null) {
            return p.fault();
        }
        String action = p.env().get("ACTION");
        String devpath = p.env().get("DEVPATH");
        return DecodeResult.decoded(new Uevent(false,
                action != null ? action : new String(bytes, 0, at, StandardCharsets.UTF_8),
                devpath != null ? devpath : new String(bytes, at + 1, headerEnd - at - 1, StandardCharsets.UTF_8),
                p.env()));
    }

    private static DecodeResult<Uevent> udev(MemorySegment data, long offset, long end) {
        if (end - offset < UDEV_HEADER) {
            return DecodeResult.malformed("short_udev_header", offset, (end - offset) + " bytes, a libudev header needs 40");
        }
        if (data.get(BE32, offset + 8) != UDEV_MAGIC) {
            return DecodeResult.malformed("bad_udev_magic", offset + 8, "libudev magic is not 0xfeedcafe");
        }
        long propsOff = Integer.toUnsignedLong(data.get(U32, offset + 16));
        long propsLen = Integer.toUnsignedLong(data.get(U32, offset + 20));
        if (propsOff < UDEV_HEADER || propsOff + propsLen > end - offset) {
            return DecodeResult.malformed("bad_udev_properties", offset + 16, "properties at " + propsOff + " (+" + propsLen
                    + ") lie outside the " + (end - offset) + "-byte message");
        }
        byte[] bytes = copy(data, offset + propsOff, offset + propsOff + propsLen);
        Parsed p = properties(bytes, 0, bytes.length, offset + propsOff);
        if (p.fault() != null) {
            return p.fault();
        }
        String action = p.env().get("ACTION");
        String devpath = p.env().get("DEVPATH");
        if (action == null || devpath == null) {
            return DecodeResult.malformed("missing_action", offset + propsOff, "a udev message without ACTION or DEVPATH");
        }
        return DecodeResult.decoded(new Uevent(true, action, devpath, p.env()));
    }

    /**
     * Up to this many keys, a repeated one is found by comparing each key with those before it: at most 2016 comparisons,
     * mostly of lengths, cheaper than hashing the 10 to 30 keys a uevent has (the kernel sends at most
     * {@code UEVENT_NUM_ENVP} = 64). A message with more keys is not the kernel's: it goes into an ordinary map, which
     * finds repeats by hashing, so a crafted message costs time linear in its size.
     */
    static final int PAIRWISE_KEYS = 64;

    /** The properties, or the fault; {@code keyComparisons} counts the work of finding repeated keys, for tests. */
    record Parsed(Map<String, String> env, DecodeResult<Uevent> fault, int keyComparisons) {}

    /**
     * Reads the {@code KEY=VALUE\0} properties in {@code bytes[from, end)}; {@code base} is where {@code bytes[0]}
     * lay in the datagram, for the offset of a fault.
     */
    static Parsed properties(byte[] bytes, int from, int end, long base) {
        int[] bounds = new int[3 * 16];
        int count = 0;
        int comparisons = 0;
        boolean plainMap = false;
        int at = from;
        while (at < end) {
            int zero = indexOf(bytes, at, (byte) 0);
            if (zero > at) {
                int eq = indexOf(bytes, at, zero, (byte) '=');
                if (eq <= at || eq == zero) {
                    String property = new String(bytes, at, zero - at, StandardCharsets.UTF_8);
                    return new Parsed(null, DecodeResult.malformed("bad_property", base + at,
                            "property without KEY=: '" + clip(property) + "'"), comparisons);
                }
                if (3 * count + 3 > bounds.length) {
                    bounds = Arrays.copyOf(bounds, bounds.length * 2);
                }
                bounds[3 * count] = at;
                bounds[3 * count + 1] = eq;
                bounds[3 * count + 2] = zero;
                plainMap |= count >= PAIRWISE_KEYS;
                for (int j = 0; j < count && !plainMap; j++) {
                    plainMap = UeventProperties.sameKey(bytes, bounds, j, count);
                    comparisons++;
                }
                for (int k = at; k < eq && !plainMap; k++) {
                    plainMap = bytes[k] < 0; // not ASCII: keys compare as decoded strings, not as bytes
                }
                count++;
            }
            at = zero + 1;
        }
        if (!plainMap) {
            return new Parsed(new UeventProperties(bytes, bounds, count), null, comparisons);
        }
        // Never from the kernel (a repeated key, a key not in ASCII, more keys than it sends): an ordinary map, in
        // which a repeated key keeps its last value at its first place.
        Map<String, String> env = new LinkedHashMap<>();
        new UeventProperties(bytes, bounds, count).forEachRaw((b, kf, kt, vf, vt) -> env.put(
                new String(b, kf, kt - kf, StandardCharsets.UTF_8), new String(b, vf, vt - vf, StandardCharsets.UTF_8)));
        return new Parsed(Collections.unmodifiableMap(env), null, comparisons);
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static boolean startsWith(MemorySegment data, long offset, long end, byte[] prefix) {
        if (end - offset < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data.get(ValueLayout.JAVA_BYTE, offset + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] copy(MemorySegment data, long from, long to) {
        byte[] bytes = new byte[(int) (to - from)];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, from, bytes, 0, bytes.length);
        return bytes;
    }

    /** The first {@code b} in {@code bytes[from..]}, or the length. */
    private static int indexOf(byte[] bytes, int from, byte b) {
        return indexOf(bytes, from, bytes.length, b);
    }

    private static int indexOf(byte[] bytes, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return to;
    }
}
