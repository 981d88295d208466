package io.upcall.protocol.audit;

import java.util.List;
import java.util.Objects;

/**
 * One audit record: {@code audit(1796194330.065:2): arch=c000003e syscall=44 ...}, its fields in the order sent.
 * A user-space record's nested {@code msg='...'} gives its fields in place of {@code msg}.
 *
 * @param type    the record type ({@code AUDIT_SYSCALL}, ...), from the netlink header or the log's {@code type=}
 * @param seconds the header's seconds since the epoch
 * @param millis  the header's milliseconds
 * @param serial  the header's serial: records of one event share it
 * @param fields  every {@code key=value}, values decoded (quotes removed, hex decoded where the kernel hex-encodes)
 */
public record AuditRecord(int type, long seconds, int millis, long serial, List<Field> fields) {

    public AuditRecord {
        fields = List.copyOf(fields);
    }

    /**
     * One field: {@code name}, {@code value} (unquoted, hex decoded when {@code encoding} is {@link Encoding#HEX}) and
     * {@code encoding} (how the kernel wrote it). A class rather than a record so that {@link #printable()} is true only
     * where checked: by the public constructor, or by the parser from the bytes it read.
     */
    public static final class Field {
        private final String name;
        private final String value;
        private final Encoding encoding;
        private final boolean printable;

        /**
         * @param name     the key
         * @param value    the value as text: unquoted, hex decoded when {@code encoding} is {@link Encoding#HEX}
         * @param encoding how the kernel wrote it
         */
        public Field(String name, String value, Encoding encoding) {
            this(name, value, encoding, printable(value));
        }

        /** For the parser, which knows {@code printable} from the bytes it made {@code value} of. */
        Field(String name, String value, Encoding encoding, boolean printable) {
            this.name = Objects.requireNonNull(name, "name");
            this.value = Objects.requireNonNull(value, "value");
            this.encoding = Objects.requireNonNull(encoding, "encoding");
            this.printable = printable;
        }

        public String name() {
            return name;
        }

        public String value() {
            return value;
        }

        public Encoding encoding() {
            return encoding;
        }

        /**
         * Whether {@link #value()} is printable ASCII (0x20-0x7e) without {@code "} or {@code \\}, as most are: JSON
         * takes it as it is, so that writing it is a copy, not an escape check per char (BENCHMARKS.md §6).
         */
        public boolean printable() {
            return printable;
        }

        private static boolean printable(String s) {
            for (int i = 0, n = s.length(); i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Field f && name.equals(f.name) && value.equals(f.value) && encoding == f.encoding;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, value, encoding);
        }

        @Override
        public String toString() {
            return "Field[name=" + name + ", value=" + value + ", encoding=" + encoding + "]";
        }
    }

    /** How a value appeared in the record. */
    public enum Encoding {
        /** As is: a number, {@code (null)}, {@code ?}, a word. */
        PLAIN,
        /** In double quotes (a string the kernel found safe to print). */
        QUOTED,
        /** Hex digits for bytes the kernel did not print (spaces, quotes, control or non-ASCII bytes). */
        HEX
    }

    /** The first field named {@code name}, or null. */
    public String get(String name) {
        // Indexed: no iterator per call (the summary asks often). The parser gives common names as their one interned
        // string, so a literal name usually matches by identity; others are told apart by length and cached hash
        // before their bytes are compared (pid, uid, gid, ses, tty, exe all have three letters).
        int hash = name.hashCode();
        for (int i = 0, n = fields.size(); i < n; i++) {
            Field f = fields.get(i);
            String k = f.name();
            if (k == name || k.length() == name.length() && k.hashCode() == hash && k.equals(name)) {
                return f.value();
            }
        }
        return null;
    }

    /** {@link Audit#typeName}: {@code SYSCALL}, {@code UNKNOWN[1423]}. */
    public String typeName() {
        return Audit.typeName(type);
    }
}
