package io.upcall.protocol.audit;

import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses the text of an audit record, as the kernel sends it on {@code NETLINK_AUDIT}
 * ({@code audit(SEC.MSEC:SERIAL): key=value ...}) or as auditd logs it ({@code type=NAME msg=audit(...): ...},
 * optionally after {@code node=...}, and in the ENRICHED format with interpretations after a {@code \x1d}, which are
 * left out). Values may be plain, in double quotes, or hex-encoded (the kernel's {@code audit_log_untrustedstring}
 * writes hex when a string holds a space, a quote or a byte outside printable ASCII); a user-space record's
 * {@code msg='...'} is opened and its fields take its place (free text without {@code key=} stays whole as {@code msg}). Words without {@code =} (an SELinux AVC's
 * {@code denied { read } for}) are passed over. Any bytes give a result, never an exception.
 */
public final class AuditRecordParser {
    /** Keys whose unquoted value, when it is hex, is a hex-encoded string (not a number printed in hex). */
    private static final Set<String> UNTRUSTED = Set.of("comm", "exe", "name", "cwd", "proctitle", "path", "key", "acct",
            "cmd", "data", "ocomm", "dir", "watch", "root_dir", "file", "new_group", "grp", "vm", "old_vm", "new_vm");
    /** A byte's value as a hex digit (either case), or -1: Character.digit was a tenth of the parsing time. */
    private static final byte[] HEX_VALUE = new byte[256];
    /** The field names audit records use most, so that a key is one of these strings, not a new one per field. */
    private static final String[] KNOWN_KEYS = new String[1024];

    static {
        java.util.Arrays.fill(HEX_VALUE, (byte) -1);
        for (int i = 0; i < 16; i++) {
            HEX_VALUE["0123456789abcdef".charAt(i)] = (byte) i;
            HEX_VALUE["0123456789ABCDEF".charAt(i)] = (byte) i;
        }
        String common = "arch syscall success exit a0 a1 a2 a3 items ppid pid auid uid gid euid suid fsuid egid sgid fsgid tty "
                + "ses comm exe subj key cwd item name inode dev mode ouid ogid rdev obj nametype cap_fp cap_fi cap_fe "
                + "cap_fver cap_frootid proctitle argc saddr fver fp fi fe old_pp old_pi old_pe old_pa pp pi pe pa frootid "
                + "msg op id acct hostname addr terminal res grantors cmd audit_enabled old list audit_pid old_enabled "
                + "data path dir watch root_dir file new_group grp vm old_vm new_vm ocomm sig reason table family entries "
                + "ver format kernel apparmor operation profile denied_mask requested_mask fsuid ouid info";
        for (String k : common.split(" ")) {
            knownKeySlot(k);
        }
        for (int i = 0; i < 64; i++) { // EXECVE arguments
            knownKeySlot("a" + i);
        }
    }

    private static void knownKeySlot(String k) {
        byte[] b = k.getBytes(StandardCharsets.US_ASCII);
        int slot = keyHash(b, 0, b.length);
        while (KNOWN_KEYS[slot] != null && !KNOWN_KEYS[slot].equals(k)) {
            slot = (slot + 1) & (KNOWN_KEYS.length - 1);
        }
        KNOWN_KEYS[slot] = k.intern();
    }

    private static int keyHash(byte[] b, int from, int to) {
        int h = to - from;
        for (int i = from; i < to; i++) {
            h = h * 31 + b[i];
        }
        return (h ^ h >>> 10) & (KNOWN_KEYS.length - 1);
    }

    /** The name {@code b[from, to)}: a known key's one string, else a new one. The table is read-only after start. */
    private static String key(byte[] b, int from, int to) {
        for (int slot = keyHash(b, from, to); ; slot = (slot + 1) & (KNOWN_KEYS.length - 1)) {
            String k = KNOWN_KEYS[slot];
            if (k == null) {
                return new String(b, from, to - from, StandardCharsets.UTF_8);
            }
            if (k.length() == to - from && sameAscii(k, b, from)) {
                return k;
            }
        }
    }

    private static boolean sameAscii(String k, byte[] b, int from) {
        for (int i = 0; i < k.length(); i++) {
            if (k.charAt(i) != b[from + i]) {
                return false;
            }
        }
        return true;
    }

    private static final byte[] HEADER = "audit(".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MSG = "msg=".getBytes(StandardCharsets.US_ASCII);

    private AuditRecordParser() {}

    /** Parses {@code text} (the payload of a netlink message of type {@code type}). */
    public static DecodeResult<AuditRecord> parse(int type, byte[] text) {
        return parse(type, text, 0, text.length, 0);
    }

    /** Parses {@code data[offset, offset + length)}; fault offsets count from {@code offset}'s datagram start. */
    public static DecodeResult<AuditRecord> parse(int type, MemorySegment data, long offset, long length) {
        long end = Math.min(data.byteSize(), offset + Math.max(0, length));
        if (offset < 0 || end - offset <= 0) {
            return DecodeResult.malformed("empty", Math.max(0, offset), "an empty audit record");
        }
        byte[] bytes = new byte[(int) (end - offset)];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, offset, bytes, 0, bytes.length);
        return parse(type, bytes, 0, bytes.length, offset);
    }

    /**
     * One line of an auditd log: {@code [node=N ]type=NAME msg=audit(...): ...}. The type comes from its name
     * ({@code UNKNOWN[1423]} as well); offsets count from the line's start.
     */
    public static DecodeResult<AuditRecord> parseLogLine(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return parseLogLine(bytes, 0, bytes.length);
    }

    /**
     * {@link #parseLogLine(String)} for the UTF-8 bytes {@code line[from, to)}, without a newline: a log read as bytes
     * is parsed without decoding each line into a string first. Offsets count from {@code from}.
     */
    public static DecodeResult<AuditRecord> parseLogLine(byte[] bytes, int from, int to) {
        int end = indexOf(bytes, from, to, (byte) 0x1d); // ENRICHED: interpretations follow
        int at = from;
        if (startsWith(bytes, at, end, "node=")) {
            at = indexOf(bytes, at, end, (byte) ' ') + 1;
        }
        if (!startsWith(bytes, at, end, "type=")) {
            return DecodeResult.malformed("no_type", at - from, "an auditd log line starts with type= (or node=)");
        }
        int space = indexOf(bytes, at, end, (byte) ' ');
        int type = typeNumber(bytes, at + 5, space);
        if (type < 0) {
            String name = new String(bytes, at + 5, space - at - 5, StandardCharsets.UTF_8);
            return DecodeResult.malformed("unknown_type_name", at + 5 - from, "record type '" + clip(name) + "' is not known");
        }
        at = space + 1;
        if (!startsWith(bytes, at, end, "msg=")) {
            return DecodeResult.malformed("no_header", at - from, "msg=audit(...) does not follow the type");
        }
        return parse(type, bytes, at + MSG.length, end, -from);
    }

    /** Type names seen, so that a log's few names are looked up without making a string per line. */
    private static final int TYPE_CACHE = 64;

    /** {@link Audit#typeNumber} of {@code b[from, to)}; a small cache of names already seen saves the string. */
    private static int typeNumber(byte[] b, int from, int to) {
        TypeName[] cache = TYPE_NAMES;
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        TypeName t = cache[h & (TYPE_CACHE - 1)];
        if (t != null && java.util.Arrays.equals(t.name, 0, t.name.length, b, from, to)) {
            return t.type;
        }
        byte[] name = java.util.Arrays.copyOfRange(b, from, to);
        int type = Audit.typeNumber(new String(name, StandardCharsets.UTF_8));
        if (type >= 0) {
            cache[h & (TYPE_CACHE - 1)] = new TypeName(name, type);
        }
        return type;
    }

    private record TypeName(byte[] name, int type) {}

    /** Shared by threads: an entry is an immutable record, written whole; a race costs a lookup, never a wrong type. */
    private static final TypeName[] TYPE_NAMES = new TypeName[TYPE_CACHE];

    private static DecodeResult<AuditRecord> parse(int type, byte[] b, int from, int end, long base) {
        while (end > from && (b[end - 1] == 0 || b[end - 1] == '\n')) {
            end--; // the NUL some senders count, the log's newline
        }
        if (!startsWith(b, from, end, "audit(")) {
            return DecodeResult.malformed("no_header", base + from, "a record starts with audit(SECONDS.MILLIS:SERIAL)");
        }
        int at = from + HEADER.length;
        int dot = number(b, at, end);
        if (dot == at || dot >= end || b[dot] != '.' || dot - at > 18) {
            return DecodeResult.malformed("bad_header_time", base + at, "no SECONDS. in the header");
        }
        int colon = number(b, dot + 1, end);
        if (colon == dot + 1 || colon >= end || b[colon] != ':' || colon - dot - 1 > 9) {
            return DecodeResult.malformed("bad_header_time", base + dot + 1, "no MILLIS: in the header");
        }
        int close = number(b, colon + 1, end);
        if (close == colon + 1 || close >= end || b[close] != ')' || close - colon - 1 > 10) {
            return DecodeResult.malformed("bad_header_serial", base + colon + 1, "no SERIAL) in the header");
        }
        long seconds = digits(b, at, dot);
        int millis = (int) digits(b, dot + 1, colon);
        long serial = digits(b, colon + 1, close);
        at = close + 1;
        if (at < end && b[at] == ':') {
            at++;
        }
        List<AuditRecord.Field> fields = new ArrayList<>();
        long fault = fields(b, at, end, fields, true, type == Audit.AUDIT_EXECVE);
        if (fault >= 0) {
            return DecodeResult.malformed("unterminated_quote", base + fault, "a quoted value has no closing quote");
        }
        return DecodeResult.decoded(new AuditRecord(type, seconds, millis, serial, fields));
    }

    /** Reads {@code key=value} words of {@code b[at, end)} into {@code out}; the offset of an open quote, or -1. */
    private static long fields(byte[] b, int at, int end, List<AuditRecord.Field> out, boolean outer, boolean execve) {
        while (at < end) {
            while (at < end && b[at] == ' ') {
                at++;
            }
            int wordEnd = at;
            while (wordEnd < end && b[wordEnd] != ' ' && b[wordEnd] != '=') {
                wordEnd++;
            }
            if (wordEnd >= end || b[wordEnd] == ' ' || wordEnd == at) {
                at = indexOf(b, wordEnd, end, (byte) ' '); // a word without a key and '=': passed over
                continue;
            }
            String key = key(b, at, wordEnd);
            int v = wordEnd + 1;
            if (v < end && (b[v] == '"' || b[v] == '\'' && outer && key.equals("msg"))) {
                int close = indexOf(b, v + 1, end, b[v]);
                if (close >= end) {
                    return v;
                }
                if (b[v] == '\'') {
                    int before = out.size();
                    long fault = fields(b, v + 1, close, out, false, false);
                    if (fault >= 0) {
                        return fault;
                    }
                    if (out.size() == before) { // free text, not key=value: kept whole
                        out.add(field(key, b, v + 1, close, AuditRecord.Encoding.QUOTED));
                    }
                } else {
                    out.add(field(key, b, v + 1, close, AuditRecord.Encoding.QUOTED));
                }
                at = close + 1;
                continue;
            }
            int valueEnd = indexOf(b, v, end, (byte) ' ');
            String hex = hexString(key, execve, b, v, valueEnd);
            out.add(hex != null ? new AuditRecord.Field(key, hex, AuditRecord.Encoding.HEX)
                    : field(key, b, v, valueEnd, AuditRecord.Encoding.PLAIN));
            at = valueEnd;
        }
        return -1;
    }

    /**
     * The field of value {@code b[from, to)}: printable ASCII, the usual value, is marked so that JSON copies it as it
     * is, and made into a string without a UTF-8 check.
     */
    private static AuditRecord.Field field(String key, byte[] b, int from, int to, AuditRecord.Encoding encoding) {
        boolean printable = true;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') { // a byte >= 0x80 is negative
                printable = false;
                break;
            }
        }
        return new AuditRecord.Field(key, new String(b, from, to - from,
                printable ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8), encoding, printable);
    }

    /** The decoded string when {@code key} carries strings and {@code b[from, to)} is whole hex bytes; else null. */
    private static String hexString(String key, boolean execve, byte[] b, int from, int to) {
        int n = to - from;
        if (n < 2 || (n & 1) != 0 || !(UNTRUSTED.contains(key) || execve && isExecveArgument(key))) {
            return null;
        }
        byte[] out = new byte[n / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = HEX_VALUE[b[from + 2 * i] & 0xff];
            int lo = HEX_VALUE[b[from + 2 * i + 1] & 0xff];
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** {@code a0}, {@code a12}, {@code a3[1]}: an EXECVE record's arguments (a SYSCALL record's a0..a3 are numbers). */
    private static boolean isExecveArgument(String key) {
        if (key.length() < 2 || key.charAt(0) != 'a' || !Character.isDigit(key.charAt(1))) {
            return false;
        }
        int i = 1;
        while (i < key.length() && Character.isDigit(key.charAt(i))) {
            i++;
        }
        return i == key.length() || key.charAt(i) == '[' && key.endsWith("]");
    }

    private static int number(byte[] b, int at, int end) {
        while (at < end && b[at] >= '0' && b[at] <= '9') {
            at++;
        }
        return at;
    }

    /** The value of the decimal digits {@code b[from, to)} (at most 18, checked by the caller). */
    private static long digits(byte[] b, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    private static boolean startsWith(byte[] b, int at, int end, String prefix) {
        if (end - at < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b[at + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, int from, int to, byte x) {
        for (int i = from; i < to; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return to;
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
