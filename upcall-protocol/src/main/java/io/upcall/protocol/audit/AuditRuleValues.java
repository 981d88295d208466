package io.upcall.protocol.audit;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The value of each {@code -F} field and {@code -C} comparison of one rule, checked as auditctl checks them. */
final class AuditRuleValues {
    private static final int PATH_MAX = 4096;
    private static final long UNSET = 0xffffffffL;

    private final String rule;
    private final AuditRuleParser.Names names;

    AuditRuleValues(String rule, AuditRuleParser.Names names) {
        this.rule = rule;
        this.names = names;
    }

    private AuditRuleException error(int at, String message) {
        return new AuditRuleException(rule, at, message);
    }

    boolean isDirectory(String path) {
        return names.isDirectory(path);
    }

    /** {@code NAME OP VALUE} of {@code -F}. */
    AuditRuleData.Field field(String text, int at) {
        int opAt = -1;
        int opIndex = -1;
        for (int i = 0; i < text.length() && opAt < 0; i++) {
            if ("=!<>&".indexOf(text.charAt(i)) >= 0) {
                opAt = i;
                for (int k = 0; k < AuditRuleNames.OP_SYMBOLS.size(); k++) {
                    if (text.startsWith(AuditRuleNames.OP_SYMBOLS.get(k), i)) {
                        opIndex = k;
                        break;
                    }
                }
            }
        }
        if (opAt <= 0 || opIndex < 0) {
            throw error(at + Math.max(opAt, 0), "-F takes FIELD OP VALUE with OP one of = != < > <= >= & &=, such as "
                    + "-F auid>=1000");
        }
        String name = text.substring(0, opAt);
        String symbol = AuditRuleNames.OP_SYMBOLS.get(opIndex);
        int op = AuditRuleNames.OP_VALUES[opIndex];
        int vat = at + opAt + symbol.length();
        String v = text.substring(opAt + symbol.length());
        Integer id = AuditRuleNames.FIELDS.get(name);
        if (id == null || id == AuditRule.AUDIT_FIELD_COMPARE) {
            throw error(at, id == null ? "'" + name + "' is not a field; fields: " + String.join(" ",
                    AuditRuleNames.FIELDS.keySet()) : "field_compare is written -C FIELD=FIELD, such as -C uid!=euid");
        }
        if (v.isEmpty()) {
            throw error(vat, name + symbol + " needs a value");
        }
        // The kernel takes a path or dir with = only (audit_to_watch), exe with = or != (audit_field_valid).
        boolean eqOnly = id == AuditRule.AUDIT_FILTERKEY || id == AuditRule.AUDIT_PERM || id == AuditRule.AUDIT_WATCH
                || id == AuditRule.AUDIT_DIR;
        boolean eqOrNot = id == AuditRule.AUDIT_ARCH || AuditRuleData.isString(id) || id == AuditRule.AUDIT_FILETYPE;
        if (eqOnly && op != AuditRule.AUDIT_EQUAL || eqOrNot && op != AuditRule.AUDIT_EQUAL
                && op != AuditRule.AUDIT_NOT_EQUAL) {
            throw error(at + opAt, name + " takes " + (eqOnly ? "=" : "= or !=") + ", not " + symbol);
        }
        return switch (id) {
            case AuditRule.AUDIT_ARCH -> AuditRuleData.Field.of(id, op, arch(v, vat));
            case AuditRule.AUDIT_WATCH, AuditRule.AUDIT_DIR, AuditRule.AUDIT_EXE -> {
                checkPath(v, vat, "-F " + name + "=");
                yield AuditRuleData.Field.of(id, op, v);
            }
            case AuditRule.AUDIT_FILTERKEY -> new AuditRuleData.Field(id, op, 0, v);
            case AuditRule.AUDIT_PERM -> AuditRuleData.Field.of(id, op, perms(v, vat, "perm"));
            case AuditRule.AUDIT_MSGTYPE -> AuditRuleData.Field.of(id, op, msgtype(v, vat));
            case AuditRule.AUDIT_EXIT -> AuditRuleData.Field.of(id, op, exit(v, vat));
            case AuditRule.AUDIT_FILETYPE -> AuditRuleData.Field.of(id, op, named(v, vat, AuditRuleNames.FILETYPES,
                    "filetype is file, dir, socket, link, character, block or fifo"));
            case AuditRule.AUDIT_FSTYPE -> AuditRuleData.Field.of(id, op, named(v, vat, AuditRuleNames.FSTYPES,
                    "fstype is debugfs, tracefs or a file system magic number"));
            default -> {
                if (AuditRuleData.isString(id)) {
                    yield AuditRuleData.Field.of(id, op, v);
                }
                if (AuditRuleNames.isUid(id) || AuditRuleNames.isGid(id)) {
                    yield AuditRuleData.Field.of(id, op, id(id, name, v, vat));
                }
                yield AuditRuleData.Field.of(id, op, (int) required(v, vat, name));
            }
        };
    }

    /** {@code -C FIELD OP FIELD}. */
    AuditRuleData.Field compare(String text, int at) {
        int eq = text.indexOf('=');
        boolean not = eq > 0 && text.charAt(eq - 1) == '!';
        if (eq <= 0 || not && eq == 1) {
            throw error(at, "-C takes FIELD=FIELD or FIELD!=FIELD, such as -C uid!=euid or -C auid=obj_uid");
        }
        String left = text.substring(0, not ? eq - 1 : eq);
        String right = text.substring(eq + 1);
        int c = AuditRuleNames.compare(left.equals("loginuid") ? "auid" : left, right.equals("loginuid") ? "auid"
                : right);
        if (c < 0) {
            throw error(at, "-C cannot compare " + left + " with " + right + "; it compares uid, euid, suid, fsuid, "
                    + "auid and obj_uid among each other (not obj_uid with itself), and gid, egid, sgid, fsgid and "
                    + "obj_gid");
        }
        return AuditRuleData.Field.of(AuditRule.AUDIT_FIELD_COMPARE, not ? AuditRule.AUDIT_NOT_EQUAL
                : AuditRule.AUDIT_EQUAL, c);
    }

    int perms(String v, int at, String what) {
        int perms = 0;
        if (v.isEmpty() || v.length() > 4) {
            throw error(at, what + " takes one to four letters of rwxa");
        }
        for (int c = 0; c < v.length(); c++) {
            perms |= switch (v.charAt(c)) {
                case 'r' -> AuditRule.AUDIT_PERM_READ;
                case 'w' -> AuditRule.AUDIT_PERM_WRITE;
                case 'x' -> AuditRule.AUDIT_PERM_EXEC;
                case 'a' -> AuditRule.AUDIT_PERM_ATTR;
                default -> throw error(at + c, what + " takes letters of rwxa");
            };
        }
        return perms;
    }

    void checkPath(String path, int at, String what) {
        if (!path.startsWith("/")) {
            throw error(at, what + " takes an absolute path (starting with /)");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
            throw error(at, "a path is under 4096 bytes");
        }
    }

    /**
     * A number as auditctl reads it ({@code strtol} base 0: decimal, 0x hex, leading-0 octal, a minus sign) that fits
     * 32 bits signed or unsigned, or {@link Integer#MIN_VALUE} when the text is not one.
     */
    int number(String v) {
        long n = parse(v);
        return n == Long.MIN_VALUE ? Integer.MIN_VALUE : (int) n;
    }

    private static long parse(String v) {
        boolean minus = v.startsWith("-");
        String s = minus ? v.substring(1) : v;
        int radix = 10;
        if (s.length() > 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
            radix = 16;
            s = s.substring(2);
        } else if (s.length() > 1 && s.startsWith("0")) {
            radix = 8;
            s = s.substring(1);
        }
        if (s.isEmpty() || s.length() > 11) {
            return Long.MIN_VALUE;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), radix) < 0 || s.charAt(i) > 'z') {
                return Long.MIN_VALUE;
            }
        }
        long n = Long.parseLong(s, radix);
        n = minus ? -n : n;
        return n < Integer.MIN_VALUE || n > UNSET ? Long.MIN_VALUE : n;
    }

    private long required(String v, int at, String name) {
        long n = parse(v);
        if (n == Long.MIN_VALUE) {
            throw error(at, name + " takes a number that fits 32 bits (decimal, 0x hex or 0 octal), not '" + v + "'");
        }
        return n;
    }

    private int arch(String v, int at) {
        AuditArch a = switch (v) {
            case "b64", "x86_64" -> AuditArch.X86_64;
            case "b32", "i386", "i486", "i586", "i686" -> AuditArch.I386;
            case "aarch64" -> AuditArch.AARCH64;
            default -> null;
        };
        long n = parse(v);
        if (a == null && n == Long.MIN_VALUE) {
            throw error(at, "arch is b64 (x86_64), b32 (i386), aarch64 or an AUDIT_ARCH_* number such as 0xC000003E");
        }
        return a != null ? (int) a.value() : (int) n;
    }

    private int id(int id, String name, String v, int at) {
        boolean auid = id == AuditRule.AUDIT_LOGINUID;
        if (v.equals("unset") || v.equals("-1") || v.equals("4294967295")) {
            if (!auid) {
                throw error(at, name + " cannot be unset: only auid (loginuid) is -1 before login");
            }
            return -1;
        }
        long n = parse(v);
        if (n == Long.MIN_VALUE && !v.isEmpty() && !Character.isDigit(v.charAt(0)) && v.charAt(0) != '-') {
            n = AuditRuleNames.isUid(id) ? names.uid(v) : names.gid(v);
            if (n < 0) {
                throw error(at, "'" + v + "' is not a " + (AuditRuleNames.isUid(id) ? "user" : "group")
                        + (names == AuditRuleParser.Names.NUMBERS_ONLY ? " (names are not looked up here: write the "
                        + "number)" : " here: write a name from " + (AuditRuleNames.isUid(id) ? "/etc/passwd"
                        : "/etc/group") + " or a number"));
            }
        }
        if (n == Long.MIN_VALUE || n > UNSET) {
            throw error(at, name + " takes a user or group name or an id 0..4294967294" + (auid ? ", or unset" : ""));
        }
        return (int) n;
    }

    private int msgtype(String v, int at) {
        long n = parse(v);
        if (n != Long.MIN_VALUE) {
            return (int) n;
        }
        int t = Audit.typeNumber(v.toUpperCase(Locale.ROOT));
        if (t < 0) {
            throw error(at, "'" + v + "' is not a record type: write a name such as USER_LOGIN or SYSCALL, or a number");
        }
        return t;
    }

    private int exit(String v, int at) {
        long n = parse(v);
        if (n != Long.MIN_VALUE) {
            return (int) n;
        }
        String name = v.startsWith("-") ? v.substring(1) : v;
        int errno = AuditErrnoNames.number(name);
        if (errno < 0) {
            throw error(at, "exit takes a number or an errno name with a minus, such as -EACCES; not '" + v + "'");
        }
        if (!v.startsWith("-")) {
            throw error(at, "a failed syscall exits with a negative errno: write exit=-" + v);
        }
        return -errno;
    }

    private int named(String v, int at, java.util.Map<String, Integer> table, String help) {
        Integer n = table.get(v);
        if (n != null) {
            return n;
        }
        long num = parse(v);
        if (num == Long.MIN_VALUE) {
            throw error(at, help + "; not '" + v + "'");
        }
        return (int) num;
    }
}
