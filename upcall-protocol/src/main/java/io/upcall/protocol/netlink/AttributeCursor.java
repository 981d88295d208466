package io.upcall.protocol.netlink;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Walks the {@code struct nlattr { __u16 nla_len; __u16 nla_type; }} attributes of a region
 * (a message payload after its fixed header, or a nested attribute's value) without allocating.
 * An attribute shorter than its header or running past the region ends the walk as malformed.
 */
public final class AttributeCursor {
    private MemorySegment data = MemorySegment.NULL;
    private long end;
    private long next;
    private long offset;
    private int length;
    private String malformedKind;

    /** Starts a walk over {@code [from, from + length)} of {@code segment}. */
    public AttributeCursor reset(MemorySegment segment, long from, long length) {
        this.data = segment;
        this.next = from;
        this.end = Math.min(segment.byteSize(), from + length);
        this.offset = -1;
        this.length = 0;
        this.malformedKind = null;
        return this;
    }

    public boolean next() {
        if (malformedKind != null || next >= end) {
            return false;
        }
        if (end - next < Netlink.NLA_HDRLEN) {
            malformedKind = "short_attribute";
            offset = next;
            return false;
        }
        int len = Short.toUnsignedInt(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, next));
        if (len < Netlink.NLA_HDRLEN || len > end - next) {
            malformedKind = "bad_attribute_length";
            offset = next;
            return false;
        }
        offset = next;
        length = len;
        next = offset + Netlink.align(len);
        return true;
    }

    /** {@code nla_type} without the nested and byte-order flags. */
    public int type() {
        return Short.toUnsignedInt(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset + 2)) & Netlink.NLA_TYPE_MASK;
    }

    public boolean nested() {
        return (Short.toUnsignedInt(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset + 2)) & Netlink.NLA_F_NESTED) != 0;
    }

    public long valueOffset() {
        return offset + Netlink.NLA_HDRLEN;
    }

    public int valueLength() {
        return length - Netlink.NLA_HDRLEN;
    }

    public long offset() {
        return offset;
    }

    public String malformedKind() {
        return malformedKind;
    }
}
