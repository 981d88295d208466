package io.upcall.protocol.audit;

import io.upcall.protocol.DecodeResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@code struct audit_rule_data} as values (the layout is quoted on {@link AuditRule}): what {@code auditctl} rule text
 * compiles to ({@link AuditRuleParser}), what the kernel lists ({@code AUDIT_LIST_RULES}, {@link #decode}), and what
 * {@link AuditRulePrinter} prints as {@code auditctl -l} does. {@link #decode} and {@link #encode} are exact inverses.
 *
 * @param flags  the filter list ({@code AUDIT_FILTER_EXIT}, ...), with {@code AUDIT_FILTER_PREPEND} for {@code -A}
 * @param action {@code AUDIT_ALWAYS} or {@code AUDIT_NEVER}
 * @param mask   64 words, one bit per syscall number ({@code -S}); all ones when the rule names none
 * @param fields the fields in order, at most 64
 */
public record AuditRuleData(int flags, int action, int[] mask, List<Field> fields) {
    static final int MASK_WORDS = 64;

    /**
     * One field: {@code fields[i]}, {@code fieldflags[i]} (the operator) and {@code values[i]}; a string field (path,
     * dir, exe, key, LSM labels) has its text here and its byte length as the kernel's value.
     *
     * @param id    {@code AUDIT_UID}, {@code AUDIT_ARCH}, ...
     * @param op    {@code AUDIT_EQUAL}, ... ({@code AUDIT_OPERATORS} bits)
     * @param value the number, or the text's length in bytes for a string field
     * @param text  the text of a string field, else null
     */
    public record Field(int id, int op, int value, String text) {
        /** A number field. */
        public static Field of(int id, int op, int value) {
            return new Field(id, op, value, null);
        }

        /** A string field: the value is the text's length in UTF-8. */
        public static Field of(int id, int op, String text) {
            return new Field(id, op, text.getBytes(StandardCharsets.UTF_8).length, text);
        }
    }

    public AuditRuleData {
        if (mask.length != MASK_WORDS) {
            throw new IllegalArgumentException("mask has " + mask.length + " words, not 64");
        }
        if (fields.size() > AuditRule.MAX_FIELDS) {
            throw new IllegalArgumentException(fields.size() + " fields; the kernel takes at most 64");
        }
        mask = mask.clone();
        fields = List.copyOf(fields);
    }

    @Override
    public int[] mask() {
        return mask.clone();
    }

    /** The filter list: {@code flags} without {@code AUDIT_FILTER_PREPEND}. */
    public int list() {
        return flags & ~AuditRule.AUDIT_FILTER_PREPEND;
    }

    /** This rule with {@code AUDIT_FILTER_PREPEND} cleared (the kernel lists a {@code -A} rule without it). */
    public AuditRuleData appended() {
        return new AuditRuleData(list(), action, mask, fields);
    }

    /** Whether the rule covers every syscall: words 0..62 all ones (the kernel keeps syscall classes in word 63). */
    public boolean allSyscalls() {
        for (int i = 0; i < MASK_WORDS - 1; i++) {
            if (mask[i] != -1) {
                return false;
            }
        }
        return true;
    }

    /** Whether syscall {@code nr} is selected. */
    public boolean hasSyscall(int nr) {
        return nr >= 0 && nr < MASK_WORDS * 32 && (mask[nr / 32] & (1 << (nr % 32))) != 0;
    }

    /** The keys ({@code -k}, {@code -F key=}) in order: the key field's text split at {@code \x01}; none: empty. */
    public List<String> keys() {
        for (Field f : fields) {
            if (f.id() == AuditRule.AUDIT_FILTERKEY && f.text() != null) {
                return List.of(f.text().split(String.valueOf(AuditRule.AUDIT_KEY_SEPARATOR), -1));
            }
        }
        return List.of();
    }

    /** Whether {@code id} is a field whose value is text in {@code buf}, as the kernel reads it. */
    public static boolean isString(int id) {
        return id == AuditRule.AUDIT_WATCH || id == AuditRule.AUDIT_DIR || id == AuditRule.AUDIT_FILTERKEY
                || id == AuditRule.AUDIT_EXE || id >= AuditRule.AUDIT_SUBJ_USER && id <= AuditRule.AUDIT_SUBJ_CLR
                || id >= AuditRule.AUDIT_OBJ_USER && id <= AuditRule.AUDIT_OBJ_LEV_HIGH;
    }

    /** The struct, host order, {@code buf} holding the string fields in field order without NULs. */
    public byte[] encode() {
        byte[][] text = new byte[fields.size()][];
        int buflen = 0;
        for (int i = 0; i < fields.size(); i++) {
            String s = fields.get(i).text();
            text[i] = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
            buflen += text[i].length;
        }
        ByteBuffer b = ByteBuffer.allocate(AuditRule.HEADER + buflen).order(ByteOrder.nativeOrder());
        b.putInt(flags).putInt(action).putInt(fields.size());
        for (int m : mask) {
            b.putInt(m);
        }
        for (int i = 0; i < AuditRule.MAX_FIELDS; i++) {
            b.putInt(i < fields.size() ? fields.get(i).id() : 0);
        }
        for (int i = 0; i < AuditRule.MAX_FIELDS; i++) {
            b.putInt(i < fields.size() ? (fields.get(i).text() != null ? text[i].length : fields.get(i).value()) : 0);
        }
        for (int i = 0; i < AuditRule.MAX_FIELDS; i++) {
            b.putInt(i < fields.size() ? fields.get(i).op() : 0);
        }
        b.putInt(buflen);
        for (byte[] t : text) {
            b.put(t);
        }
        return b.array();
    }

    /** Decodes a whole struct, as {@link #decode(byte[], int, int)}. */
    public static DecodeResult<AuditRuleData> decode(byte[] data) {
        return decode(data, 0, data.length);
    }

    /**
     * Decodes a struct the kernel listed, whoever added the rule. Never throws: a struct that does not add up (fewer
     * bytes than its header, more than 64 fields, string lengths past {@code buflen} or the bytes given) is
     * {@code malformed} with the offset where it broke. An operator is kept as the kernel gave it, field ids the
     * printer does not know included. Text that is not UTF-8 is decoded with replacement characters.
     */
    public static DecodeResult<AuditRuleData> decode(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.length || length < AuditRule.HEADER) {
            return DecodeResult.malformed("short_rule", offset, "a struct audit_rule_data is at least "
                    + AuditRule.HEADER + " bytes; got " + length);
        }
        ByteBuffer b = ByteBuffer.wrap(data, offset, length).slice().order(ByteOrder.nativeOrder());
        int count = b.getInt(8);
        if (count < 0 || count > AuditRule.MAX_FIELDS) {
            return DecodeResult.malformed("field_count", offset + 8L, "field_count " + Integer.toUnsignedString(count)
                    + " is over 64");
        }
        long buflen = Integer.toUnsignedLong(b.getInt(1036));
        if (AuditRule.HEADER + buflen > length) {
            return DecodeResult.malformed("buflen", offset + 1036L, "buflen " + buflen + " runs past the "
                    + length + " bytes of the rule");
        }
        int[] mask = new int[MASK_WORDS];
        for (int i = 0; i < MASK_WORDS; i++) {
            mask[i] = b.getInt(12 + 4 * i);
        }
        List<Field> fields = new ArrayList<>(count);
        long at = 0;
        for (int i = 0; i < count; i++) {
            int id = b.getInt(268 + 4 * i);
            int value = b.getInt(524 + 4 * i);
            int op = b.getInt(780 + 4 * i);
            if (isString(id)) {
                long len = Integer.toUnsignedLong(value);
                if (at + len > buflen) {
                    return DecodeResult.malformed("string_overrun", offset + 524L + 4 * i, "field " + i + "'s text of "
                            + len + " bytes runs past buflen " + buflen);
                }
                String text = new String(data, offset + AuditRule.HEADER + (int) at, (int) len, StandardCharsets.UTF_8);
                fields.add(new Field(id, op, value, text));
                at += len;
            } else {
                fields.add(new Field(id, op, value, null));
            }
        }
        return DecodeResult.decoded(new AuditRuleData(b.getInt(0), b.getInt(4), mask, fields));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditRuleData r && r.flags == flags && r.action == action && Arrays.equals(r.mask, mask)
                && r.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return ((flags * 31 + action) * 31 + Arrays.hashCode(mask)) * 31 + fields.hashCode();
    }

    @Override
    public String toString() {
        return "AuditRuleData[flags=" + flags + ", action=" + action + ", mask=" + Arrays.toString(mask) + ", fields="
                + fields + "]";
    }
}
