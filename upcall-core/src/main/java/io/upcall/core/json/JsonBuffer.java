package io.upcall.core.json;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * A growable UTF-8 byte buffer with just the JSON writing the event stream needs. Hand-written because
 * the core library takes no dependency and this is the hot path of {@code --json}: no intermediate
 * strings for numbers, and the RFC 3339 date prefix is built once per second.
 */
public final class JsonBuffer {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** "00" to "99": two digits per division (the JVM's C1 compiler, bin/upcall's, divides with a real div). */
    private static final byte[] PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    /**
     * A field name encoded once, {@code "name":}, for the names an event type writes every time: copied in one go
     * instead of char by char (an accounting record has some 70 of them). Printable ASCII only, as JSON needs no
     * escaping for it.
     */
    public static final class Key {
        private final String name;
        private final byte[] bytes;

        public Key(String name) {
            for (int i = 0; i < name.length(); i++) {
                if (!plain(name.charAt(i))) {
                    throw new IllegalArgumentException("a key is printable ASCII without quote or backslash: " + name);
                }
            }
            this.name = name;
            this.bytes = ("\"" + name + "\":").getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private byte[] bytes;
    private int size;
    // Two cached date prefixes: a record with two times (an accounting record's receipt and its process's start)
    // alternates between two seconds, and one slot would rebuild the prefix twice per event.
    private long prefixSecond = Long.MIN_VALUE;
    private byte[] prefix;
    private long otherSecond = Long.MIN_VALUE;
    private byte[] otherPrefix;
    private boolean first;

    public JsonBuffer() {
        this(8192);
    }

    public JsonBuffer(int capacity) {
        this.bytes = new byte[capacity];
    }

    public int size() {
        return size;
    }

    public void reset() {
        size = 0;
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, size);
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    private void raw(byte b) {
        ensure(1);
        bytes[size++] = b;
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[size++] = (byte) s.charAt(i);
        }
    }

    /**
     * Appends {@code prefix} (raw ASCII, e.g. {@code ,"process":}) and then the bytes of another buffer
     * holding one finished JSON value.
     */
    public JsonBuffer raw(JsonBuffer value, String prefix) {
        ascii(prefix);
        ensure(value.size);
        System.arraycopy(value.bytes, 0, bytes, size, value.size);
        size += value.size;
        first = false;
        return this;
    }

    public JsonBuffer beginObject() {
        raw((byte) '{');
        first = true;
        return this;
    }

    public JsonBuffer endObject() {
        raw((byte) '}');
        first = false;
        return this;
    }

    public JsonBuffer beginArray(String name) {
        key(name);
        raw((byte) '[');
        first = true;
        return this;
    }

    public JsonBuffer endArray() {
        raw((byte) ']');
        first = false;
        return this;
    }

    /** Starts an object as an array element. */
    public JsonBuffer beginElement() {
        if (!first) {
            raw((byte) ',');
        }
        return beginObject();
    }

    /** A string (or null) as an array element. */
    public JsonBuffer element(String value) {
        if (!first) {
            raw((byte) ',');
        }
        first = false;
        string(value);
        return this;
    }

    public JsonBuffer beginObject(String name) {
        key(name);
        return beginObject();
    }

    public void newline() {
        raw((byte) '\n');
    }

    private void key(String name) {
        int n = name.length();
        ensure(n + 4); // once for the name and its punctuation, not per byte
        byte[] dst = bytes;
        int p = size;
        if (!first) {
            dst[p++] = ',';
        }
        first = false;
        dst[p++] = '"';
        for (int i = 0; i < n; i++) {
            dst[p++] = (byte) name.charAt(i);
        }
        dst[p++] = '"';
        dst[p++] = ':';
        size = p;
    }

    public JsonBuffer field(String name, long value) {
        key(name);
        number(value);
        return this;
    }

    private void key(Key k) {
        ensure(k.bytes.length + 1);
        if (!first) {
            bytes[size++] = ',';
        }
        first = false;
        System.arraycopy(k.bytes, 0, bytes, size, k.bytes.length);
        size += k.bytes.length;
    }

    public JsonBuffer field(Key key, long value) {
        key(key);
        number(value);
        return this;
    }

    public JsonBuffer nullField(Key key) {
        key(key);
        ascii("null");
        return this;
    }

    public JsonBuffer beginObject(Key key) {
        key(key);
        return beginObject();
    }

    public JsonBuffer field(String name, boolean value) {
        key(name);
        ascii(value ? "true" : "false");
        return this;
    }

    /** A string field, or {@code null} when {@code value} is null. */
    public JsonBuffer field(String name, String value) {
        key(name);
        string(value);
        return this;
    }

    /** A string field whose name comes from outside (a uevent property): the name is escaped too. */
    public JsonBuffer anyField(String name, String value) {
        ensure(name.length() + (value == null ? 4 : value.length()) + 6); // the plain case fits without growing
        if (!first) {
            bytes[size++] = ',';
        }
        first = false;
        string(name);
        raw((byte) ':'); // checked: an escaped name may have used the room
        string(value);
        return this;
    }

    /**
     * {@link #anyField(String, String)} for a value known to be printable ASCII without {@code "} or {@code \\} (a
     * checked promise of its maker, e.g. an audit record field's {@code printable}): copied whole, not char by char.
     */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): an array copy for such a (Latin-1) string
    public JsonBuffer anyPrintableField(String name, String printable) {
        int n = printable.length();
        ensure(name.length() + n + 6); // the plain case fits without growing
        if (!first) {
            bytes[size++] = ',';
        }
        first = false;
        string(name);
        ensure(n + 3); // an escaped name may have used the room
        bytes[size++] = ':';
        bytes[size++] = '"';
        printable.getBytes(0, n, bytes, size);
        size += n;
        bytes[size++] = '"';
        return this;
    }

    /** A count or id that may be unknown (negative): {@code null} then. */
    public JsonBuffer optional(String name, long value) {
        return value >= 0 ? field(name, value) : nullField(name);
    }

    public JsonBuffer nullField(String name) {
        key(name);
        ascii("null");
        return this;
    }

    /** An RFC 3339 UTC time with nanoseconds: {@code "2026-11-28T22:25:27.123456789Z"}. */
    public JsonBuffer field(String name, Instant time) {
        key(name);
        long second = time.getEpochSecond();
        if (second != prefixSecond) {
            long evicted = prefixSecond;
            byte[] evictedPrefix = prefix;
            prefix = second == otherSecond ? otherPrefix : datePrefix(second);
            prefixSecond = second;
            otherSecond = evicted;
            otherPrefix = evictedPrefix;
        }
        ensure(prefix.length + 11);
        System.arraycopy(prefix, 0, bytes, size, prefix.length);
        size += prefix.length;
        int nano = time.getNano();
        for (int div = 100_000_000; div > 0; div /= 10) {
            bytes[size++] = (byte) ('0' + (nano / div) % 10);
        }
        bytes[size++] = 'Z';
        bytes[size++] = '"';
        return this;
    }

    /** {@code "2026-11-28T22:25:27.} for {@code second}; digits by hand, as a Formatter cost microseconds a miss. */
    private static byte[] datePrefix(long second) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return String.format("\"%04d-%02d-%02dT%02d:%02d:%02d.", year, t.getMonthValue(), t.getDayOfMonth(),
                    t.getHour(), t.getMinute(), t.getSecond()).getBytes(StandardCharsets.US_ASCII);
        }
        byte[] p = {'"', 0, 0, 0, 0, '-', 0, 0, '-', 0, 0, 'T', 0, 0, ':', 0, 0, ':', 0, 0, '.'};
        digits(p, 1, 4, year);
        digits(p, 6, 2, t.getMonthValue());
        digits(p, 9, 2, t.getDayOfMonth());
        digits(p, 12, 2, t.getHour());
        digits(p, 15, 2, t.getMinute());
        digits(p, 18, 2, t.getSecond());
        return p;
    }

    private static void digits(byte[] into, int at, int width, int value) {
        for (int i = at + width - 1; i >= at; i--) {
            into[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    private void number(long v) {
        ensure(20);
        if (v >= 0 && v < 10) { // most figures of a short-lived process: 0
            bytes[size++] = (byte) ('0' + v);
            return;
        }
        if (v == Long.MIN_VALUE) {
            ascii(Long.toString(v));
            return;
        }
        if (v < 0) {
            bytes[size++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long p = 10; digits < 19 && v >= p; p *= 10) {
            digits++;
        }
        int end = size + digits;
        int i = end;
        while (v > Integer.MAX_VALUE) {
            long q = v / 100;
            int r = 2 * (int) (v - q * 100);
            bytes[--i] = PAIRS[r + 1];
            bytes[--i] = PAIRS[r];
            v = q;
        }
        int w = (int) v;
        while (w >= 100) {
            int q = w / 100;
            int r = 2 * (w - q * 100);
            bytes[--i] = PAIRS[r + 1];
            bytes[--i] = PAIRS[r];
            w = q;
        }
        if (w >= 10) {
            bytes[--i] = PAIRS[2 * w + 1];
            bytes[--i] = PAIRS[2 * w];
        } else {
            bytes[--i] = (byte) ('0' + w);
        }
        size = end;
    }

    private void string(String s) {
        if (s == null) {
            ascii("null");
            return;
        }
        int n = s.length();
        ensure(n + 2);
        // The common case, printable ASCII, straight into the array; the first other char goes the slow way. The
        // array and position in locals: C1 (as bin/upcall runs) keeps them in registers, not a field store per char.
        byte[] dst = bytes;
        int p = size;
        dst[p++] = '"';
        int i = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                break;
            }
            dst[p++] = (byte) c;
        }
        size = p;
        if (i < n) {
            utf8(s, i); // escapes what needs it, encodes what is not ASCII
            raw((byte) '"');
        } else {
            dst[size++] = '"'; // room made by ensure(n + 2) above
        }
    }

    private static boolean plain(int c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    }

    /**
     * {@link #anyField(String, String)} for a name and value given as bytes ({@code src[keyFrom, keyTo)} and
     * {@code src[valueFrom, valueTo)}, UTF-8): printable ASCII, the usual uevent property, is copied as it is,
     * without making strings; anything else is decoded and escaped as a string would be.
     */
    public JsonBuffer anyField(byte[] src, int keyFrom, int keyTo, int valueFrom, int valueTo) {
        if (!plain(src, keyFrom, keyTo) || !plain(src, valueFrom, valueTo)) {
            return anyField(new String(src, keyFrom, keyTo - keyFrom, StandardCharsets.UTF_8),
                    new String(src, valueFrom, valueTo - valueFrom, StandardCharsets.UTF_8));
        }
        int keyLength = keyTo - keyFrom;
        int valueLength = valueTo - valueFrom;
        ensure(keyLength + valueLength + 6);
        if (!first) {
            bytes[size++] = ',';
        }
        first = false;
        bytes[size++] = '"';
        System.arraycopy(src, keyFrom, bytes, size, keyLength);
        size += keyLength;
        bytes[size++] = '"';
        bytes[size++] = ':';
        bytes[size++] = '"';
        System.arraycopy(src, valueFrom, bytes, size, valueLength);
        size += valueLength;
        bytes[size++] = '"';
        return this;
    }

    private static boolean plain(byte[] src, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!plain(src[i])) {
                return false;
            }
        }
        return true;
    }

    private void utf8(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                raw((byte) '\\');
                raw((byte) c);
            } else if (c < 0x20 || c == 0x7f) {
                escapeControl(c);
            } else if (c < 0x80) {
                raw((byte) c);
            } else if (c <= 0x9f || c == 0x2028 || c == 0x2029) {
                // Valid JSON raw, but a C1 control (U+009B is a one-character CSI) acts on a terminal that --json is
                // printed to, and the line separators end a line in JavaScript: escaped, they are the same string.
                escapeControl(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                byte[] enc = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                ensure(enc.length);
                System.arraycopy(enc, 0, bytes, size, enc.length);
                size += enc.length;
                i = end - 1;
            }
        }
    }

    private void escapeControl(char c) {
        switch (c) {
            case '\n' -> ascii("\\n");
            case '\r' -> ascii("\\r");
            case '\t' -> ascii("\\t");
            default -> {
                ascii("\\u");
                raw(HEX[(c >> 12) & 0xf]);
                raw(HEX[(c >> 8) & 0xf]);
                raw(HEX[(c >> 4) & 0xf]);
                raw(HEX[c & 0xf]);
            }
        }
    }
}
