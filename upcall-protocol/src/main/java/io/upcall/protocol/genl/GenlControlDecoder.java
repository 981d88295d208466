package io.upcall.protocol.genl;

import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.netlink.AttributeCursor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Decodes the controller's answer to {@code CTRL_CMD_GETFAMILY} (a {@code CTRL_CMD_NEWFAMILY} message, also
 * multicast when a family registers): the family id, name, version and multicast groups. Never throws.
 */
public final class GenlControlDecoder {
    private GenlControlDecoder() {}

    /**
     * @param payload the message after its {@code nlmsghdr}: {@code genlmsghdr} and attributes, at {@code [offset,
     *                offset + length)}
     * @return the family; skipped for another controller command; malformed with the offset of the fault
     */
    public static DecodeResult<GenlFamily> decode(MemorySegment payload, long offset, long length) {
        long end = Math.min(payload.byteSize(), offset + Math.max(0, length));
        if (offset < 0 || end - offset < Genl.GENL_HDRLEN) {
            return DecodeResult.malformed("short_genl_header", Math.max(0, Math.min(offset, payload.byteSize())),
                    "a genlmsghdr needs 4 bytes");
        }
        int cmd = Byte.toUnsignedInt(payload.get(ValueLayout.JAVA_BYTE, offset));
        if (cmd != Genl.CTRL_CMD_NEWFAMILY) {
            return DecodeResult.skipped("controller command " + cmd);
        }
        int id = -1;
        int version = 0;
        String name = null;
        Map<String, Integer> groups = new HashMap<>();
        AttributeCursor attrs = new AttributeCursor().reset(payload, offset + Genl.GENL_HDRLEN, end - offset - Genl.GENL_HDRLEN);
        while (attrs.next()) {
            switch (attrs.type()) {
                case Genl.CTRL_ATTR_FAMILY_ID -> {
                    if (attrs.valueLength() < 2) {
                        return DecodeResult.malformed("short_family_id", attrs.offset(), "CTRL_ATTR_FAMILY_ID needs a u16");
                    }
                    id = Short.toUnsignedInt(payload.get(ValueLayout.JAVA_SHORT_UNALIGNED, attrs.valueOffset()));
                }
                case Genl.CTRL_ATTR_FAMILY_NAME -> name = string(payload, attrs.valueOffset(), attrs.valueLength());
                case Genl.CTRL_ATTR_VERSION -> {
                    if (attrs.valueLength() >= 4) {
                        version = payload.get(ValueLayout.JAVA_INT_UNALIGNED, attrs.valueOffset());
                    }
                }
                case Genl.CTRL_ATTR_MCAST_GROUPS -> {
                    String fault = groups(payload, attrs.valueOffset(), attrs.valueLength(), groups);
                    if (fault != null) {
                        return DecodeResult.malformed(fault, attrs.offset(), "CTRL_ATTR_MCAST_GROUPS does not parse");
                    }
                }
                default -> { } // ops, policies, sizes: not needed to find a family
            }
        }
        if (attrs.malformedKind() != null) {
            return DecodeResult.malformed(attrs.malformedKind(), attrs.offset(), "controller attributes do not parse");
        }
        if (id < 0 || name == null) {
            return DecodeResult.malformed("incomplete_family", offset, "no " + (id < 0 ? "CTRL_ATTR_FAMILY_ID" : "CTRL_ATTR_FAMILY_NAME"));
        }
        return DecodeResult.decoded(new GenlFamily(id, name, version, groups));
    }

    /** The nested list: one nest per group, each with a name and an id; returns a fault kind or null. */
    private static String groups(MemorySegment payload, long offset, int length, Map<String, Integer> out) {
        AttributeCursor outer = new AttributeCursor().reset(payload, offset, length);
        AttributeCursor inner = new AttributeCursor();
        while (outer.next()) {
            String name = null;
            int id = -1;
            inner.reset(payload, outer.valueOffset(), outer.valueLength());
            while (inner.next()) {
                if (inner.type() == Genl.CTRL_ATTR_MCAST_GRP_NAME) {
                    name = string(payload, inner.valueOffset(), inner.valueLength());
                } else if (inner.type() == Genl.CTRL_ATTR_MCAST_GRP_ID && inner.valueLength() >= 4) {
                    id = payload.get(ValueLayout.JAVA_INT_UNALIGNED, inner.valueOffset());
                }
            }
            if (inner.malformedKind() != null) {
                return inner.malformedKind();
            }
            if (name != null && id >= 0) {
                out.put(name, id);
            }
        }
        return outer.malformedKind();
    }

    /** A NUL-terminated string attribute, up to its first NUL. */
    static String string(MemorySegment payload, long offset, int length) {
        int n = 0;
        while (n < length && payload.get(ValueLayout.JAVA_BYTE, offset + n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        MemorySegment.copy(payload, ValueLayout.JAVA_BYTE, offset, bytes, 0, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
