package io.upcall.protocol.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CaptureReaderTest {
    private static final byte[] DATAGRAM = {76, 0, 0, 0, 3, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 9};

    private static byte[] pcapng(long nanos, int senderPort) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Pcapng.sectionHeader("upcall test", "upcall-recorder-pid=42"));
        out.writeBytes(Pcapng.interfaceDescription(Pcapng.LINKTYPE_NETLINK, 65535, "netlink"));
        byte[] packet = concat(NetlinkCookedHeader.encode(11, senderPort, 1), DATAGRAM);
        out.writeBytes(Pcapng.enhancedPacket(0, nanos, packet, 0, packet.length));
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void readsBackWhatTheWriterWrote() {
        CaptureReader r = new CaptureReader(pcapng(1_764_369_927_123_456_789L, 0));
        CaptureReader.Packet p = r.next();
        assertThat(r.format()).isEqualTo("pcapng");
        assertThat(r.application()).isEqualTo("upcall test");
        assertThat(r.comments()).containsExactly("upcall-recorder-pid=42");
        assertThat(p.linkType()).isEqualTo(Pcapng.LINKTYPE_NETLINK);
        assertThat(p.epochNanos()).isEqualTo(1_764_369_927_123_456_789L);
        assertThat(p.length()).isEqualTo(16 + DATAGRAM.length);
        NetlinkCookedHeader h = NetlinkCookedHeader.decode(p.data(), p.offset(), p.length());
        assertThat(h).isEqualTo(new NetlinkCookedHeader(NetlinkCookedHeader.PACKET_MULTICAST, 11, 0, 1, true));
        assertThat(Arrays.copyOfRange(p.data(), p.offset() + 16, p.offset() + p.length())).isEqualTo(DATAGRAM);
        assertThat(r.next()).isNull();
        assertThat(r.error()).isNull();
    }

    @Test
    void keepsTheSenderSoReplayCanRejectIt() {
        CaptureReader.Packet p = new CaptureReader(pcapng(0, 4242)).next();
        assertThat(NetlinkCookedHeader.decode(p.data(), p.offset(), p.length()).senderPort()).isEqualTo(4242);
    }

    @Test
    void saysWhereATruncatedFileEnds() {
        byte[] whole = pcapng(0, 0);
        CaptureReader r = new CaptureReader(Arrays.copyOf(whole, whole.length - 10));
        assertThat(r.next()).isNull();
        assertThat(r.error()).startsWith("truncated block").contains("at byte");
    }

    @Test
    void saysWhenABlockLengthIsCorrupt() {
        byte[] file = pcapng(0, 0);
        int epb = file.length - (12 + 20 + Pcapng.pad4(16 + DATAGRAM.length));
        ByteBuffer.wrap(file).order(ByteOrder.nativeOrder()).putInt(epb + 4, 13);
        CaptureReader r = new CaptureReader(file);
        assertThat(r.next()).isNull();
        assertThat(r.error()).isEqualTo("corrupt block length 13 (at byte " + epb + ")");
    }

    @Test
    void refusesSomethingElse() {
        CaptureReader r = new CaptureReader("hello, this is not a capture file".getBytes());
        assertThat(r.next()).isNull();
        assertThat(r.error()).startsWith("not a pcap or pcapng file");
        assertThat(new CaptureReader(new byte[3]).error()).contains("shorter than any header");
    }

    /** Classic pcap, as {@code editcap -F pcap} or an {@code nlmon} capture writes it: here big-endian, nanoseconds. */
    @Test
    void readsClassicPcapInEitherByteOrder() {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            byte[] packet = concat(NetlinkCookedHeader.encode(11, 0, 1), DATAGRAM);
            ByteBuffer b = ByteBuffer.allocate(24 + 16 + packet.length).order(order);
            b.putInt(0xa1b23c4d).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(253);
            b.putInt(1_764_369_927).putInt(5).putInt(packet.length).putInt(packet.length).put(packet);
            CaptureReader r = new CaptureReader(b.array());
            CaptureReader.Packet p = r.next();
            assertThat(r.format()).isEqualTo("pcap");
            assertThat(p.linkType()).isEqualTo(253);
            assertThat(p.epochNanos()).isEqualTo(1_764_369_927_000_000_005L);
            assertThat(r.next()).isNull();
            assertThat(r.error()).isNull();
        }
    }

    @Test
    void anNlmonHeaderWithoutASenderCountsAsTheKernel() {
        byte[] h = NetlinkCookedHeader.encode(15, 99, 1);
        h[5] = 0; // address length 0, as nlmon writes
        assertThat(NetlinkCookedHeader.decode(h, 0, 16)).isEqualTo(new NetlinkCookedHeader(2, 15, 0, 0, false));
    }
    /** A block of {@code total} bytes in host order: type, length, body, length. */
    private static byte[] block(int type, int total, ByteBuffer body) {
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
        b.putInt(type).putInt(total).put(body.flip()).putInt(total - 4, total);
        return b.array();
    }

    /** A section and an interface, then an enhanced packet block of 36 bytes that claims {@code caplen} captured bytes. */
    static byte[] enhancedPacketClaiming(int caplen) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Pcapng.sectionHeader("upcall test"));
        out.writeBytes(Pcapng.interfaceDescription(Pcapng.LINKTYPE_NETLINK, 65535, "netlink"));
        ByteBuffer body = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
        body.putInt(0).putInt(0).putInt(0).putInt(caplen).putInt(caplen).putInt(0);
        out.writeBytes(block(Pcapng.EPB, 36, body));
        return out.toByteArray();
    }

    /**
     * Issue 10: a captured length near 2^31 wrapped {@code pad4} to a negative number, passed the fit check, and
     * escaped as an IndexOutOfBoundsException wherever the packet was read.
     */
    @Test
    void aCapturedLengthNearTwoToThe31IsAFaultNotAPacket() {
        for (int caplen : new int[] {0x7ffffffd, 0x7fffffff, -1, 9}) {
            byte[] file = enhancedPacketClaiming(caplen);
            CaptureReader r = new CaptureReader(file);
            assertThat(r.next()).as("caplen %08x", caplen).isNull();
            assertThat(r.error()).as("caplen %08x", caplen).startsWith("corrupt enhanced packet block: captured length "
                    + Integer.toUnsignedString(caplen)).endsWith("(at byte " + (file.length - 36) + ")");
        }
    }

    /**
     * A packet larger than any capture holds (libpcap's MAXIMUM_SNAPLEN, 262144) is refused before any decoder sees it,
     * in each format, so a crafted file cannot hand a decoder an arbitrarily large datagram.
     */
    @Test
    void refusesAPacketLargerThanAnyCaptureHolds() {
        int big = CaptureReader.MAX_PACKET + 4;
        byte[] data = new byte[big];
        ByteArrayOutputStream ng = new ByteArrayOutputStream();
        ng.writeBytes(Pcapng.sectionHeader("upcall test"));
        ng.writeBytes(Pcapng.interfaceDescription(Pcapng.LINKTYPE_NETLINK, 65535, "netlink"));
        int at = ng.size();
        ng.writeBytes(Pcapng.enhancedPacket(0, 0, data, 0, big));
        CaptureReader r = new CaptureReader(ng.toByteArray());
        assertThat(r.next()).isNull();
        assertThat(r.error()).isEqualTo("packet of " + big + " bytes, larger than the " + CaptureReader.MAX_PACKET
                + " any capture holds (at byte " + at + ")");

        ByteBuffer b = ByteBuffer.allocate(24 + 16 + big).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(253);
        b.putInt(0).putInt(0).putInt(big).putInt(big);
        r = new CaptureReader(b.array());
        assertThat(r.next()).isNull();
        assertThat(r.error()).isEqualTo("packet of " + big + " bytes, larger than the " + CaptureReader.MAX_PACKET
                + " any capture holds (at byte 24)");

        ByteArrayOutputStream simple = new ByteArrayOutputStream();
        simple.writeBytes(Pcapng.sectionHeader("upcall test"));
        simple.writeBytes(Pcapng.interfaceDescription(Pcapng.LINKTYPE_NETLINK, 65535, "netlink"));
        at = simple.size();
        ByteBuffer spb = ByteBuffer.allocate(4 + big).order(ByteOrder.nativeOrder()).putInt(big).put(data);
        simple.writeBytes(block(Pcapng.SPB, 16 + big, spb));
        r = new CaptureReader(simple.toByteArray());
        assertThat(r.next()).isNull();
        assertThat(r.error()).startsWith("packet of " + big + " bytes").endsWith("(at byte " + at + ")");
    }
}
