package io.upcall.protocol.pcap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 16-byte header that {@code LINKTYPE_NETLINK} puts before each netlink datagram, as the kernel's
 * {@code nlmon} device and Wireshark define it (big-endian, the layout of the Linux "cooked" header):
 *
 * <pre>
 *  0  u16 packet type        PACKET_HOST (0) for unicast, PACKET_MULTICAST (2) for a group message
 *  2  u16 ARPHRD type        ARPHRD_NETLINK (824)
 *  4  u16 address length     8
 *  6  8 bytes address        Upcall: the sender's port id (u32) and the groups mask (u32), big-endian
 * 14  u16 protocol           the netlink family (NETLINK_CONNECTOR = 11, ...)
 * </pre>
 *
 * Upcall keeps the sender's port id and groups in the address field so that a replay can verify the
 * sender exactly as a live listener does. A header whose address length is not 8 (an {@code nlmon}
 * capture) has no sender: replay treats it as the kernel's.
 */
public record NetlinkCookedHeader(int packetType, int family, int senderPort, int groups, boolean hasSender) {
    public static final int SIZE = 16;
    public static final int ARPHRD_NETLINK = 824;
    public static final int PACKET_HOST = 0;
    public static final int PACKET_MULTICAST = 2;

    /** Upcall's header for a received datagram. */
    public static byte[] encode(int family, int senderPort, int groups) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.BIG_ENDIAN);
        b.putShort((short) (groups != 0 ? PACKET_MULTICAST : PACKET_HOST)).putShort((short) ARPHRD_NETLINK)
                .putShort((short) 8).putInt(senderPort).putInt(groups).putShort((short) family);
        return b.array();
    }

    /** Reads a header; null when {@code data} is too short or not {@code ARPHRD_NETLINK}. */
    public static NetlinkCookedHeader decode(byte[] data, int offset, int length) {
        if (length < SIZE) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(data, offset, SIZE).order(ByteOrder.BIG_ENDIAN);
        int type = Short.toUnsignedInt(b.getShort());
        int arphrd = Short.toUnsignedInt(b.getShort());
        int addrLen = Short.toUnsignedInt(b.getShort());
        int port = b.getInt();
        int groups = b.getInt();
        int family = Short.toUnsignedInt(b.getShort());
        if (arphrd != ARPHRD_NETLINK) {
            return null;
        }
        boolean sender = addrLen == 8;
        return new NetlinkCookedHeader(type, family, sender ? port : 0, sender ? groups : 0, sender);
    }
}
