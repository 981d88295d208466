package io.upcall.protocol.pcap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads packets from a pcapng file (any byte order, several sections and interfaces) or a classic pcap
 * file (microsecond or nanosecond, either byte order), held in memory. Corrupt or truncated input ends
 * the walk with {@link #error()} saying what was wrong and at which byte; it never throws. The file may
 * come from anyone ({@code upcall replay} of a bug report): every length in it is checked before use, a
 * packet is never larger than {@link #MAX_PACKET}, and the walk takes time linear in the file's size.
 */
public final class CaptureReader {
    /**
     * The largest packet accepted, as libpcap's {@code MAXIMUM_SNAPLEN}: no netlink datagram comes near it (a
     * live read takes at most 8 KiB), and it bounds what a crafted file can hand to a decoder.
     */
    public static final int MAX_PACKET = 262_144;
    private static final int PCAP_MICROS = 0xa1b2c3d4;
    private static final int PCAP_NANOS = 0xa1b23c4d;

    /** One captured packet; {@code data[offset, offset + length)} is what was captured. */
    public record Packet(int interfaceId, int linkType, long epochNanos, byte[] data, int offset, int length, long fileOffset) {}

    private record Interface(int linkType, long tsUnitsPerSecond, boolean binary) {}

    private final byte[] file;
    private final ByteBuffer buf;
    private final boolean pcapng;
    private final List<Interface> interfaces = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private String application;
    private String error;
    private boolean nanosPcap;
    private int pcapLinkType;

    public CaptureReader(byte[] file) {
        this.file = file;
        this.buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        this.pcapng = file.length >= 4 && buf.getInt(0) == Pcapng.SHB;
        if (!pcapng) {
            readPcapHeader();
        }
    }

    /** {@code "pcapng"} or {@code "pcap"}. */
    public String format() {
        return pcapng ? "pcapng" : "pcap";
    }

    /** Why reading stopped early ({@code "truncated block at byte 4096 ..."}), or null. */
    public String error() {
        return error;
    }

    /** The writing application ({@code shb_userappl}) of the current section, if any. */
    public String application() {
        return application;
    }

    /** Section comments seen so far ({@code opt_comment}). */
    public List<String> comments() {
        return List.copyOf(comments);
    }

    private void readPcapHeader() {
        if (file.length < 24) {
            fail(0, "not a pcap or pcapng file: " + file.length + " bytes, shorter than any header");
            return;
        }
        int magic = buf.getInt(0);
        if (magic != PCAP_MICROS && magic != PCAP_NANOS) {
            buf.order(ByteOrder.BIG_ENDIAN);
            magic = buf.getInt(0);
        }
        if (magic != PCAP_MICROS && magic != PCAP_NANOS) {
            fail(0, "not a pcap or pcapng file (magic 0x" + Integer.toHexString(buf.order(ByteOrder.LITTLE_ENDIAN).getInt(0)) + ")");
            return;
        }
        nanosPcap = magic == PCAP_NANOS;
        pcapLinkType = buf.getInt(20) & 0x0fffffff;
        buf.position(24);
    }

    private Packet fail(long at, String why) {
        if (error == null) {
            error = why + (why.contains("at byte") ? "" : " (at byte " + at + ")");
        }
        buf.position(buf.limit());
        return null;
    }

    /** The next packet, or null at the end of the file or at the first fault (see {@link #error()}). */
    public Packet next() {
        if (error != null) {
            return null;
        }
        return pcapng ? nextBlock() : nextRecord();
    }

    private Packet nextRecord() {
        int at = buf.position();
        if (at == file.length) {
            return null;
        }
        if (file.length - at < 16) {
            return fail(at, "truncated pcap record header");
        }
        long sec = Integer.toUnsignedLong(buf.getInt(at));
        long frac = Integer.toUnsignedLong(buf.getInt(at + 4));
        int caplen = buf.getInt(at + 8);
        if (caplen < 0 || caplen > file.length - at - 16) {
            return fail(at, "truncated pcap record: " + Integer.toUnsignedString(caplen) + " bytes announced, "
                    + (file.length - at - 16) + " left");
        }
        if (caplen > MAX_PACKET) {
            return tooLarge(at, caplen);
        }
        buf.position(at + 16 + caplen);
        long nanos = sec * 1_000_000_000L + (nanosPcap ? frac : frac * 1000);
        return new Packet(0, pcapLinkType, nanos, file, at + 16, caplen, at);
    }

    private Packet nextBlock() {
        while (true) {
            int at = buf.position();
            if (at == file.length) {
                return null;
            }
            if (file.length - at < 12) {
                return fail(at, "truncated block header");
            }
            int type = buf.getInt(at);
            if (type == Pcapng.SHB) {
                if (!section(at)) {
                    return null;
                }
                continue;
            }
            int total = buf.getInt(at + 4);
            if (total < 12 || (total & 3) != 0) {
                return fail(at, "corrupt block length " + Integer.toUnsignedString(total));
            }
            if (total > file.length - at) {
                return fail(at, "truncated block: " + total + " bytes announced, " + (file.length - at) + " left");
            }
            if (buf.getInt(at + total - 4) != total) {
                return fail(at, "corrupt block: trailing length differs from the leading one");
            }
            buf.position(at + total);
            switch (type) {
                case Pcapng.IDB -> iface(at, total);
                case Pcapng.EPB -> {
                    return enhanced(at, total);
                }
                case Pcapng.SPB -> {
                    return simple(at, total);
                }
                default -> { } // name resolution, statistics, custom blocks: not ours to interpret
            }
            if (error != null) {
                return null;
            }
        }
    }

    private boolean section(int at) {
        if (file.length - at < 28) {
            fail(at, "truncated section header");
            return false;
        }
        int magic = buf.getInt(at + 8);
        if (magic != Pcapng.BYTE_ORDER_MAGIC) {
            buf.order(buf.order() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            if (buf.getInt(at + 8) != Pcapng.BYTE_ORDER_MAGIC) {
                fail(at, "corrupt section header: no byte-order magic");
                return false;
            }
        }
        int total = buf.getInt(at + 4);
        if (total < 28 || (total & 3) != 0 || total > file.length - at) {
            fail(at, total > file.length - at ? "truncated section header" : "corrupt section header length " + total);
            return false;
        }
        interfaces.clear();
        application = null;
        options(at + 24, at + total - 4, (code, from, len) -> {
            String text = new String(file, from, len, StandardCharsets.UTF_8);
            if (code == Pcapng.OPT_COMMENT) {
                comments.add(text);
            } else if (code == Pcapng.SHB_USERAPPL) {
                application = text;
            }
        });
        buf.position(at + total);
        return error == null;
    }

    private void iface(int at, int total) {
        if (total < 20) {
            fail(at, "corrupt interface description block");
            return;
        }
        int linkType = Short.toUnsignedInt(buf.getShort(at + 8));
        long[] units = {1_000_000L};
        boolean[] binary = {false};
        options(at + 16, at + total - 4, (code, from, len) -> {
            if (code == Pcapng.IF_TSRESOL && len >= 1) {
                int v = file[from] & 0x7f;
                binary[0] = (file[from] & 0x80) != 0;
                units[0] = binary[0] ? (v >= 62 ? Long.MAX_VALUE : 1L << v) : (v > 18 ? Long.MAX_VALUE : pow10(v));
            }
        });
        interfaces.add(new Interface(linkType, units[0], binary[0]));
    }

    private Packet enhanced(int at, int total) {
        if (total < 32) {
            return fail(at, "corrupt enhanced packet block");
        }
        int id = buf.getInt(at + 8);
        if (id < 0 || id >= interfaces.size()) {
            return fail(at, "packet on interface " + id + ", which no interface description block declared");
        }
        long ticks = (Integer.toUnsignedLong(buf.getInt(at + 12)) << 32) | Integer.toUnsignedLong(buf.getInt(at + 16));
        int caplen = buf.getInt(at + 20);
        // Compared without pad4, which wraps negative near 2^31 and once let such a length through.
        if (caplen < 0 || caplen > total - 32) {
            return fail(at, "corrupt enhanced packet block: captured length " + Integer.toUnsignedString(caplen)
                    + " does not fit the block");
        }
        if (caplen > MAX_PACKET) {
            return tooLarge(at, caplen);
        }
        Interface i = interfaces.get(id);
        return new Packet(id, i.linkType(), toNanos(ticks, i), file, at + 28, caplen, at);
    }

    private Packet simple(int at, int total) {
        if (interfaces.isEmpty() || total < 16) {
            return fail(at, "simple packet block without an interface");
        }
        int length = Math.min(buf.getInt(at + 8), total - 16);
        if (length > MAX_PACKET) {
            return tooLarge(at, length);
        }
        return new Packet(0, interfaces.get(0).linkType(), 0, file, at + 12, Math.max(0, length), at);
    }

    private Packet tooLarge(int at, int length) {
        return fail(at, "packet of " + length + " bytes, larger than the " + MAX_PACKET + " any capture holds");
    }

    private static long toNanos(long ticks, Interface i) {
        long units = i.tsUnitsPerSecond();
        if (units == 1_000_000_000L) {
            return ticks;
        }
        if (!i.binary() && units < 1_000_000_000L) {
            return ticks * (1_000_000_000L / units);
        }
        return (long) (ticks * (1e9 / units));
    }

    private static long pow10(int v) {
        long r = 1;
        for (int k = 0; k < v; k++) {
            r *= 10;
        }
        return r;
    }

    private interface OptionVisitor {
        void option(int code, int from, int length);
    }

    private void options(int from, int end, OptionVisitor visitor) {
        int at = from;
        while (at + 4 <= end) {
            int code = Short.toUnsignedInt(buf.getShort(at));
            int len = Short.toUnsignedInt(buf.getShort(at + 2));
            if (code == Pcapng.OPT_ENDOFOPT) {
                return;
            }
            if (at + 4 + len > end) {
                fail(at, "corrupt option (code " + code + ", " + len + " bytes) runs past its block");
                return;
            }
            visitor.option(code, at + 4, len);
            at += 4 + Pcapng.pad4(len);
        }
    }
}
