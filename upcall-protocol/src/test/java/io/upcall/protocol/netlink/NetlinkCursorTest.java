package io.upcall.protocol.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class NetlinkCursorTest {

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    private static void header(ByteBuffer b, int len, int type, int seq) {
        b.putInt(len).putShort((short) type).putShort((short) 0).putInt(seq).putInt(0);
    }

    @Test
    void walksAlignedFramesInOrder() {
        ByteBuffer b = buffer(16 + 5 + 3 + 16);
        header(b, 21, 0x10, 1);
        b.put(new byte[] {1, 2, 3, 4, 5, 0, 0, 0});
        header(b, 16, Netlink.NLMSG_DONE, 2);
        NetlinkCursor c = new NetlinkCursor().reset(MemorySegment.ofArray(b.array()));

        assertThat(c.next()).isTrue();
        assertThat(c.type()).isEqualTo(0x10);
        assertThat(c.seq()).isEqualTo(1);
        assertThat(c.payloadOffset()).isEqualTo(16);
        assertThat(c.payloadLength()).isEqualTo(5);
        assertThat(c.next()).isTrue();
        assertThat(c.offset()).isEqualTo(24);
        assertThat(c.type()).isEqualTo(Netlink.NLMSG_DONE);
        assertThat(c.next()).isFalse();
        assertThat(c.malformedKind()).isNull();
    }

    @Test
    void reportsAShortHeader() {
        NetlinkCursor c = new NetlinkCursor().reset(MemorySegment.ofArray(new byte[10]));
        assertThat(c.next()).isFalse();
        assertThat(c.malformedKind()).isEqualTo("short_header");
        assertThat(c.offset()).isZero();
    }

    @Test
    void reportsALengthShorterThanTheHeader() {
        ByteBuffer b = buffer(16);
        header(b, 8, 3, 0);
        NetlinkCursor c = new NetlinkCursor().reset(MemorySegment.ofArray(b.array()));
        assertThat(c.next()).isFalse();
        assertThat(c.malformedKind()).isEqualTo("bad_length");
    }

    @Test
    void reportsAFrameRunningPastTheDatagram() {
        ByteBuffer b = buffer(32);
        header(b, 16, 3, 0);
        header(b, 400, 3, 0);
        NetlinkCursor c = new NetlinkCursor().reset(MemorySegment.ofArray(b.array()));
        assertThat(c.next()).isTrue();
        assertThat(c.next()).isFalse();
        assertThat(c.malformedKind()).isEqualTo("truncated");
        assertThat(c.offset()).isEqualTo(16);
    }

    @Test
    void readsTheErrnoOfAnErrorFrame() {
        ByteBuffer b = buffer(36);
        header(b, 36, Netlink.NLMSG_ERROR, 0);
        b.putInt(-1);
        NetlinkCursor c = new NetlinkCursor().reset(MemorySegment.ofArray(b.array()));
        assertThat(c.next()).isTrue();
        assertThat(c.errorCode()).isEqualTo(-1);
    }

    @Test
    void walksAttributesAndStopsAtABadOne() {
        ByteBuffer b = buffer(20);
        b.putShort((short) 6).putShort((short) (1 | Netlink.NLA_F_NESTED)).put(new byte[] {9, 9, 0, 0});
        b.putShort((short) 8).putShort((short) 2).putInt(42);
        b.putShort((short) 40).putShort((short) 3);
        AttributeCursor a = new AttributeCursor().reset(MemorySegment.ofArray(b.array()), 0, 20);
        assertThat(a.next()).isTrue();
        assertThat(a.type()).isEqualTo(1);
        assertThat(a.nested()).isTrue();
        assertThat(a.valueLength()).isEqualTo(2);
        assertThat(a.next()).isTrue();
        assertThat(a.type()).isEqualTo(2);
        assertThat(a.valueOffset()).isEqualTo(12);
        assertThat(a.next()).isFalse();
        assertThat(a.malformedKind()).isEqualTo("bad_attribute_length");
    }
}
