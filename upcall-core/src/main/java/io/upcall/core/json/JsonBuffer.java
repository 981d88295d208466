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

    private byte[] bytes;
    private int size;
    private long prefixSecond = Long.MIN_VALUE;
    private byte[] prefix;
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
        if (!first) {
            bytes[size++] = ',';
        }
        first = false;
        bytes[size++] = '"';
        for (int i = 0; i < n; i++) {
            bytes[size++] = (byte) name.charAt(i);
        }
        bytes[size++] = '"';
        bytes[size++] = ':';
    }

    public JsonBuffer field(String name, long value) {
        key(name);
        number(value);
        return this;
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
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            prefix = String.format("\"%04d-%02d-%02dT%02d:%02d:%02d.", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                    t.getHour(), t.getMinute(), t.getSecond()).getBytes(StandardCharsets.US_ASCII);
            prefixSecond = second;
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

    private void number(long v) {
        if (v == Long.MIN_VALUE) {
            ascii(Long.toString(v));
            return;
        }
        ensure(20);
        if (v < 0) {
            bytes[size++] = '-';
            v = -v;
        }
        int start = size;
        do {
            bytes[size++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (int i = start, j = size - 1; i < j; i++, j--) {
            byte b = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = b;
        }
    }

    private void string(String s) {
        if (s == null) {
            ascii("null");
            return;
        }
        int n = s.length();
        ensure(n + 2);
        bytes[size++] = '"';
        int i = 0;
        // The common case, printable ASCII, straight into the array; the first other char goes the slow way.
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (!plain(c)) {
                break;
            }
            bytes[size++] = (byte) c;
        }
        if (i < n) {
            utf8(s, i); // escapes what needs it, encodes what is not ASCII
            raw((byte) '"');
        } else {
            bytes[size++] = '"'; // room made by ensure(n + 2) above
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
