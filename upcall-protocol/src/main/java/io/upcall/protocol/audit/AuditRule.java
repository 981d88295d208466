package io.upcall.protocol.audit;


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
 * @param key  its keys ({@code -k}) joined by {@code \x01}, or null
 * @param data the {@code struct audit_rule_data}, host order
 */
public record AuditRule(String text, String key, byte[] data) {
    // Filter lists (the low bits of flags) and actions.
    public static final int AUDIT_FILTER_USER = 0;
    public static final int AUDIT_FILTER_TASK = 1;
    public static final int AUDIT_FILTER_ENTRY = 2;
    public static final int AUDIT_FILTER_WATCH = 3;
    public static final int AUDIT_FILTER_EXIT = 4;
    public static final int AUDIT_FILTER_EXCLUDE = 5;
    public static final int AUDIT_FILTER_FS = 6;
    public static final int AUDIT_FILTER_URING_EXIT = 7;
    /** Bit of flags: add the rule at the head of its list ({@code auditctl -A}); the kernel does not list it back. */
    public static final int AUDIT_FILTER_PREPEND = 0x10;
    public static final int AUDIT_NEVER = 0;
    public static final int AUDIT_POSSIBLE = 1;
    public static final int AUDIT_ALWAYS = 2;
    // Field ids (fields[]).
    public static final int AUDIT_PID = 0;
    public static final int AUDIT_UID = 1;
    public static final int AUDIT_EUID = 2;
    public static final int AUDIT_SUID = 3;
    public static final int AUDIT_FSUID = 4;
    public static final int AUDIT_GID = 5;
    public static final int AUDIT_EGID = 6;
    public static final int AUDIT_SGID = 7;
    public static final int AUDIT_FSGID = 8;
    public static final int AUDIT_LOGINUID = 9;
    public static final int AUDIT_PERS = 10;
    public static final int AUDIT_ARCH = 11;
    public static final int AUDIT_MSGTYPE = 12;
    public static final int AUDIT_SUBJ_USER = 13;
    public static final int AUDIT_SUBJ_CLR = 17;
    public static final int AUDIT_PPID = 18;
    public static final int AUDIT_OBJ_USER = 19;
    public static final int AUDIT_OBJ_LEV_HIGH = 23;
    public static final int AUDIT_LOGINUID_SET = 24;
    public static final int AUDIT_SESSIONID = 25;
    public static final int AUDIT_FSTYPE = 26;
    public static final int AUDIT_DEVMAJOR = 100;
    public static final int AUDIT_DEVMINOR = 101;
    public static final int AUDIT_INODE = 102;
    public static final int AUDIT_EXIT = 103;
    public static final int AUDIT_SUCCESS = 104;
    public static final int AUDIT_WATCH = 105;
    public static final int AUDIT_PERM = 106;
    public static final int AUDIT_DIR = 107;
    public static final int AUDIT_FILETYPE = 108;
    public static final int AUDIT_OBJ_UID = 109;
    public static final int AUDIT_OBJ_GID = 110;
    public static final int AUDIT_FIELD_COMPARE = 111;
    public static final int AUDIT_EXE = 112;
    public static final int AUDIT_SADDR_FAM = 113;
    public static final int AUDIT_ARG0 = 200;
    public static final int AUDIT_ARG3 = 203;
    public static final int AUDIT_FILTERKEY = 210;
    // Operators (fieldflags[]).
    public static final int AUDIT_BIT_MASK = 0x08000000;
    public static final int AUDIT_LESS_THAN = 0x10000000;
    public static final int AUDIT_GREATER_THAN = 0x20000000;
    public static final int AUDIT_NOT_EQUAL = 0x30000000;
    public static final int AUDIT_EQUAL = 0x40000000;
    public static final int AUDIT_BIT_TEST = AUDIT_BIT_MASK | AUDIT_EQUAL;
    public static final int AUDIT_LESS_THAN_OR_EQUAL = AUDIT_LESS_THAN | AUDIT_EQUAL;
    public static final int AUDIT_GREATER_THAN_OR_EQUAL = AUDIT_GREATER_THAN | AUDIT_EQUAL;
    public static final int AUDIT_OPERATORS = AUDIT_EQUAL | AUDIT_NOT_EQUAL | AUDIT_BIT_MASK;
    // Values of AUDIT_PERM.
    public static final int AUDIT_PERM_EXEC = 1;
    public static final int AUDIT_PERM_WRITE = 2;
    public static final int AUDIT_PERM_READ = 4;
    public static final int AUDIT_PERM_ATTR = 8;
    /** {@code AUDIT_MAX_KEY_LEN}: the keys of a rule, joined by {@link #AUDIT_KEY_SEPARATOR}, in bytes. */
    public static final int AUDIT_MAX_KEY_LEN = 256;
    /** Between the keys of a rule with several {@code -k}: the kernel keeps one key field. */
    public static final char AUDIT_KEY_SEPARATOR = 0x01;
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

    /** The struct as values; {@link IllegalStateException} if {@code data} is no whole struct (it was not compiled). */
    public AuditRuleData rule() {
        if (AuditRuleData.decode(data) instanceof io.upcall.protocol.DecodeResult.Decoded<AuditRuleData>(var r)) {
            return r;
        }
        throw new IllegalStateException("not a struct audit_rule_data: " + AuditRuleData.decode(data));
    }

    /**
     * The key field of a rule the kernel listed ({@code AUDIT_LIST_RULES}), or null: its keys joined by {@code \x01}.
     * Never throws: a struct that does not add up gives null.
     */
    public static String keyOf(byte[] rule) {
        if (AuditRuleData.decode(rule) instanceof io.upcall.protocol.DecodeResult.Decoded<AuditRuleData>(var r)) {
            for (AuditRuleData.Field f : r.fields()) {
                if (f.id() == AUDIT_FILTERKEY) {
                    return f.text();
                }
            }
        }
        return null;
    }
}
