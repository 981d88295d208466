package io.upcall.protocol.audit;

import java.util.List;

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
     * One field.
     *
     * @param name     the key
     * @param value    the value as text: unquoted, hex decoded when {@code encoding} is {@link Encoding#HEX}
     * @param encoding how the kernel wrote it
     */
    public record Field(String name, String value, Encoding encoding) {}

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
