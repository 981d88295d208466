package io.upcall.protocol.audit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One audit rule compiled for the kernel ({@code AUDIT_ADD_RULE}, {@code AUDIT_DEL_RULE}):
 * <pre>{@code
 * struct audit_rule_data {
 *     __u32 flags;                          //    0: the list: AUDIT_FILTER_EXIT (4), ...
 *     __u32 action;                         //    4: AUDIT_NEVER (0), AUDIT_ALWAYS (2)
 *     __u32 field_count;                    //    8
 *     __u32 mask[AUDIT_BITMASK_SIZE];       //   12: 64 words, one bit per syscall number
 *     __u32 fields[AUDIT_MAX_FIELDS];       //  268: 64 field ids (AUDIT_ARCH, AUDIT_FILTERKEY, ...)
 *     __u32 values[AUDIT_MAX_FIELDS];       //  524: the value, or the length of a string field's text in buf
 *     __u32 fieldflags[AUDIT_MAX_FIELDS];   //  780: the operator (AUDIT_EQUAL, ...)
 *     __u32 buflen;                         // 1036: total length of the string fields
 *     char  buf[];                          // 1040: string fields, in field order, not NUL-terminated
 * };
 * }</pre>
 *
 * @param text the rule as the user wrote it
 * @param key  its {@code -k} key, or null
 * @param data the {@code struct audit_rule_data}, host order
 */
public record AuditRule(String text, String key, byte[] data) {
    public static final int AUDIT_FILTER_USER = 0;
    public static final int AUDIT_FILTER_TASK = 1;
    public static final int AUDIT_FILTER_EXIT = 4;
    public static final int AUDIT_FILTER_EXCLUDE = 5;
    public static final int AUDIT_NEVER = 0;
    public static final int AUDIT_ALWAYS = 2;
    public static final int AUDIT_ARCH = 11;
    public static final int AUDIT_WATCH = 105;
    public static final int AUDIT_PERM = 106;
    public static final int AUDIT_DIR = 107;
    public static final int AUDIT_FILTERKEY = 210;
    public static final int AUDIT_EQUAL = 0x40000000;
    public static final int AUDIT_PERM_EXEC = 1;
    public static final int AUDIT_PERM_WRITE = 2;
    public static final int AUDIT_PERM_READ = 4;
    public static final int AUDIT_PERM_ATTR = 8;
    static final int MAX_FIELDS = 64;
    static final int HEADER = 1040;

    public AuditRule {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The request adding this rule. */
    public byte[] addRequest(int seq) {
        return AuditStatus.request(Audit.AUDIT_ADD_RULE, seq, data);
    }

    /** The request deleting this rule (the kernel matches the whole struct). */
    public byte[] deleteRequest(int seq) {
        return AuditStatus.request(Audit.AUDIT_DEL_RULE, seq, data);
    }

    /** Builds the struct: fields as (id, op, value) or (id, op, string) in order. */
    static byte[] encode(int list, int action, int[] mask, int[] ids, int[] values, String[] strings) {
        byte[][] text = new byte[ids.length][];
        int buflen = 0;
        for (int i = 0; i < ids.length; i++) {
            text[i] = strings[i] == null ? new byte[0] : strings[i].getBytes(StandardCharsets.UTF_8);
            buflen += text[i].length;
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER + buflen).order(ByteOrder.nativeOrder());
        b.putInt(list).putInt(action).putInt(ids.length);
        for (int m : mask) {
            b.putInt(m);
        }
        for (int i = 0; i < MAX_FIELDS; i++) {
            b.putInt(i < ids.length ? ids[i] : 0);
        }
        for (int i = 0; i < MAX_FIELDS; i++) {
            b.putInt(i < ids.length ? (strings[i] != null ? text[i].length : values[i]) : 0);
        }
        for (int i = 0; i < MAX_FIELDS; i++) {
            b.putInt(i < ids.length ? AUDIT_EQUAL : 0);
        }
        b.putInt(buflen);
        for (byte[] t : text) {
            b.put(t);
        }
        return b.array();
    }

    /**
     * The {@code -k} key of a rule the kernel listed ({@code AUDIT_LIST_RULES}), or null: reads {@code fields} and walks
     * {@code buf} past the string fields before it. Never throws: a struct that does not add up gives null.
     */
    public static String keyOf(byte[] rule) {
        if (rule.length < HEADER) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(rule).order(ByteOrder.nativeOrder());
        int count = b.getInt(8);
        int at = HEADER;
        for (int i = 0; i < Math.min(count, MAX_FIELDS) && i >= 0; i++) {
            int id = b.getInt(268 + 4 * i);
            if (!isString(id)) {
                continue;
            }
            long len = Integer.toUnsignedLong(b.getInt(524 + 4 * i));
            if (at + len > rule.length) {
                return null;
            }
            if (id == AUDIT_FILTERKEY) {
                return new String(rule, at, (int) len, StandardCharsets.UTF_8);
            }
            at += (int) len;
        }
        return null;
    }

    /** Fields whose value is text in {@code buf}: watch, dir, key, exe, the LSM labels. */
    private static boolean isString(int id) {
        return id == AUDIT_WATCH || id == AUDIT_DIR || id == AUDIT_FILTERKEY || id == 112 /* AUDIT_EXE */
                || id >= 13 && id <= 17 /* AUDIT_SUBJ_* */ || id >= 19 && id <= 23 /* AUDIT_OBJ_* */;
    }
}
