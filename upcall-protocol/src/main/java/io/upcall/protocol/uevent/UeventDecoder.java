package io.upcall.protocol.uevent;

import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
        long headerEnd = indexOf(data, offset, end, (byte) 0);
        String header = string(data, offset, headerEnd);
        int at = header.indexOf('@');
        if (at <= 0 || at == header.length() - 1) {
            return DecodeResult.malformed("bad_header", offset, "no ACTION@DEVPATH header");
        }
        Map<String, String> env = new LinkedHashMap<>();
        DecodeResult<Uevent> fault = properties(data, Math.min(end, headerEnd + 1), end, env);
        if (fault != null) {
            return fault;
        }
        String action = env.getOrDefault("ACTION", header.substring(0, at));
        String devpath = env.getOrDefault("DEVPATH", header.substring(at + 1));
        return DecodeResult.decoded(new Uevent(false, action, devpath, Collections.unmodifiableMap(env)));
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
        Map<String, String> env = new LinkedHashMap<>();
        DecodeResult<Uevent> fault = properties(data, offset + propsOff, offset + propsOff + propsLen, env);
        if (fault != null) {
            return fault;
        }
        String action = env.get("ACTION");
        String devpath = env.get("DEVPATH");
        if (action == null || devpath == null) {
            return DecodeResult.malformed("missing_action", offset + propsOff, "a udev message without ACTION or DEVPATH");
        }
        return DecodeResult.decoded(new Uevent(true, action, devpath, Collections.unmodifiableMap(env)));
    }

    /** Reads {@code KEY=VALUE\0} properties; null when fine, else the fault. */
    private static DecodeResult<Uevent> properties(MemorySegment data, long from, long end, Map<String, String> env) {
        long at = from;
        while (at < end) {
            long zero = indexOf(data, at, end, (byte) 0);
            if (zero > at) {
                String property = string(data, at, zero);
                int eq = property.indexOf('=');
                if (eq <= 0) {
                    return DecodeResult.malformed("bad_property", at, "property without KEY=: '" + clip(property) + "'");
                }
                env.put(property.substring(0, eq), property.substring(eq + 1));
            }
            at = zero + 1;
        }
        return null;
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

    private static long indexOf(MemorySegment data, long from, long end, byte b) {
        for (long i = from; i < end; i++) {
            if (data.get(ValueLayout.JAVA_BYTE, i) == b) {
                return i;
            }
        }
        return end;
    }

    private static String string(MemorySegment data, long from, long to) {
        byte[] bytes = new byte[(int) (to - from)];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, from, bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
