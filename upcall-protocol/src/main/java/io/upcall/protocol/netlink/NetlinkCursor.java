package io.upcall.protocol.netlink;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Walks the {@code nlmsghdr} frames of one datagram without allocating. Usage:
 * <pre>{@code
 * cursor.reset(datagram);
 * while (cursor.next()) { ... cursor.type(), cursor.payloadOffset(), cursor.payloadLength() ... }
 * if (cursor.malformedKind() != null) { ... count it ... }
 * }</pre>
 * A frame whose length is shorter than a header or runs past the datagram ends the walk, with
 * {@link #malformedKind()} saying why and {@link #offset()} where. Fields are read in host byte
 * order, unaligned (a datagram slice need not be aligned).
 */
public final class NetlinkCursor {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private MemorySegment data = MemorySegment.NULL;
    private long next;
    private long offset;
    private int length;
    private String malformedKind;
    private String malformedDetail;

    /** Starts a walk over {@code datagram}. */
    public NetlinkCursor reset(MemorySegment datagram) {
        this.data = datagram;
        this.next = 0;
        this.offset = -1;
        this.length = 0;
        this.malformedKind = null;
        this.malformedDetail = null;
        return this;
    }

    /** Moves to the next frame; false at the end of the datagram or at a malformed frame. */
    public boolean next() {
        long size = data.byteSize();
        if (malformedKind != null || next >= size) {
            return false;
        }
        if (size - next < Netlink.NLMSG_HDRLEN) {
            return fail("short_header", next, (size - next) + " bytes left, a netlink header needs 16");
        }
        long len = Integer.toUnsignedLong(data.get(U32, next));
        if (len < Netlink.NLMSG_HDRLEN) {
            return fail("bad_length", next, "nlmsg_len " + len + " is shorter than the header");
        }
        if (len > size - next) {
            return fail("truncated", next, "nlmsg_len " + len + " runs past the datagram (" + (size - next) + " bytes left)");
        }
        offset = next;
        length = (int) len;
        next = offset + Netlink.align(len);
        return true;
    }

    private boolean fail(String kind, long at, String detail) {
        malformedKind = kind;
        malformedDetail = detail;
        offset = at;
        return false;
    }

    /** Offset of the current frame's header in the datagram (or of the fault, after a malformed one). */
    public long offset() {
        return offset;
    }

    /** {@code nlmsg_len}. */
    public int length() {
        return length;
    }

    public int type() {
        return Short.toUnsignedInt(data.get(U16, offset + 4));
    }

    public int flags() {
        return Short.toUnsignedInt(data.get(U16, offset + 6));
    }

    public int seq() {
        return data.get(U32, offset + 8);
    }

    /** {@code nlmsg_pid}: the sender's port id as written in the header (the kernel writes 0). */
    public int pid() {
        return data.get(U32, offset + 12);
    }

    public long payloadOffset() {
        return offset + Netlink.NLMSG_HDRLEN;
    }

    public int payloadLength() {
        return length - Netlink.NLMSG_HDRLEN;
    }

    /** For an {@code NLMSG_ERROR} frame: the negative errno, or 0 for an acknowledgement; 1 if too short. */
    public int errorCode() {
        return payloadLength() >= 4 ? data.get(U32, payloadOffset()) : 1;
    }

    /** Why the walk stopped early, as a counter key, or null when it has not. */
    public String malformedKind() {
        return malformedKind;
    }

    public String malformedDetail() {
        return malformedDetail;
    }
}
