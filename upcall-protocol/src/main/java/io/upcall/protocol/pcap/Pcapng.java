package io.upcall.protocol.pcap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes the pcapng blocks Upcall writes (draft-ietf-opsawg-pcapng): a Section Header Block, one
 * Interface Description Block per capture interface (nanosecond timestamps, {@code if_tsresol = 9}),
 * and Enhanced Packet Blocks. Blocks are written in host byte order, as the format allows; readers
 * find the order from the byte-order magic.
 */
public final class Pcapng {
    public static final int SHB = 0x0A0D0D0A;
    public static final int IDB = 0x00000001;
    public static final int SPB = 0x00000003;
    public static final int EPB = 0x00000006;
    public static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

    public static final int OPT_ENDOFOPT = 0;
    public static final int OPT_COMMENT = 1;
    public static final int SHB_USERAPPL = 4;
    public static final int IF_NAME = 2;
    public static final int IF_TSRESOL = 9;

    /** {@code LINKTYPE_NETLINK}: a 16-byte cooked header, then the netlink datagram. */
    public static final int LINKTYPE_NETLINK = 253;

    private Pcapng() {}

    /** A Section Header Block naming the writing application and carrying free-form comments. */
    public static byte[] sectionHeader(String application, String... comments) {
        Options o = new Options();
        for (String c : comments) {
            o.add(OPT_COMMENT, utf8(c));
        }
        o.add(SHB_USERAPPL, utf8(application));
        ByteBuffer body = le(16 + o.size());
        body.putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L);
        o.writeTo(body);
        return block(SHB, body);
    }

    /** An Interface Description Block with nanosecond timestamps. */
    public static byte[] interfaceDescription(int linkType, int snapLength, String name) {
        Options o = new Options();
        o.add(IF_NAME, utf8(name));
        o.add(IF_TSRESOL, new byte[] {9});
        ByteBuffer body = le(8 + o.size());
        body.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
        o.writeTo(body);
        return block(IDB, body);
    }

    /** An Enhanced Packet Block: {@code data} captured whole on interface {@code interfaceId} at {@code epochNanos}. */
    public static byte[] enhancedPacket(int interfaceId, long epochNanos, byte[] data, int offset, int length) {
        ByteBuffer body = le(20 + pad4(length));
        body.putInt(interfaceId).putInt((int) (epochNanos >>> 32)).putInt((int) epochNanos).putInt(length).putInt(length);
        body.put(data, offset, length);
        body.position(body.position() + pad4(length) - length);
        return block(EPB, body);
    }

    static int pad4(int n) {
        return (n + 3) & ~3;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    private static byte[] block(int type, ByteBuffer body) {
        int total = 12 + body.capacity();
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
        b.putInt(type).putInt(total).put(body.array()).putInt(total);
        return b.array();
    }

    /** Options: {@code code u16, length u16, value padded to 4}, ended by {@code opt_endofopt}. */
    private static final class Options {
        private final List<byte[]> encoded = new ArrayList<>();
        private int bytes;

        void add(int code, byte[] value) {
            ByteBuffer option = le(4 + pad4(value.length)).putShort((short) code).putShort((short) value.length).put(value);
            encoded.add(option.array());
            bytes += option.capacity();
        }

        int size() {
            return encoded.isEmpty() ? 0 : bytes + 4;
        }

        void writeTo(ByteBuffer b) {
            if (!encoded.isEmpty()) {
                encoded.forEach(b::put);
                b.putInt(0);
            }
        }
    }
}
