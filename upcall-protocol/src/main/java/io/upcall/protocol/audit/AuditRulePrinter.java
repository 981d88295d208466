package io.upcall.protocol.audit;

import java.util.List;

/**
 * Prints a rule the way {@code auditctl -l} (audit 3.0.9) does, so that a listed line added again gives the same rule:
 * <ul>
 * <li>A watch (an {@code always,exit} rule on every syscall whose fields are one path or dir, one perm and at most one
 * key field) prints as {@code -w PATH -p PERMS -k KEY...}.</li>
 * <li>Any other rule prints {@code -a ACTION,LIST}, then every {@code arch} field, then {@code -S} (none on the user,
 * task, exclude and filesystem lists; {@code -S all} when every syscall is selected; otherwise the numbers in ascending order, by
 * name where the rule's arch, else x86_64, has one; io_uring operations by number), then the other fields in order: {@code -F path=}, {@code dir=},
 * {@code exe=}, {@code perm=rwxa}, {@code msgtype} by name where known, {@code exit} as {@code -ENAME} when negative,
 * {@code a0..a3} in upper-case hex, {@code inode} unsigned, {@code -C} comparisons, each key as {@code -F key=}, the
 * rest in signed decimal; a field id with no name as {@code fID OP VALUE}.</li>
 * </ul>
 * A {@code -A} rule prints as {@code -a} (the kernel does not keep the difference). Where auditctl's line would not add
 * back the same rule, this one differs: a path or key with a space is quoted; a watch-shaped rule on another action or
 * list than {@code always,exit}, or with two paths or perms, prints as an {@code -a} rule (auditctl prints {@code -w},
 * losing the rest); a watch whose perm field comes before its path still starts with {@code -w}; {@code exe!=} prints
 * its operator (auditctl prints {@code =}).
 */
public final class AuditRulePrinter {
    private AuditRulePrinter() {}

    /** The line {@code auditctl -l} prints for {@code r}, without a newline. */
    public static String print(AuditRuleData r) {
        StringBuilder out = new StringBuilder();
        boolean watch = isWatch(r);
        AuditArch arch = null;
        boolean archUnknown = false;
        if (!watch) {
            out.append("-a ").append(name(AuditRuleNames.ACTIONS, r.action())).append(',')
                    .append(name(AuditRuleNames.LISTS, r.list()));
            for (AuditRuleData.Field f : r.fields()) {
                if (f.id() == AuditRule.AUDIT_ARCH) {
                    AuditArch a = AuditArch.ofValue(Integer.toUnsignedLong(f.value()));
                    arch = a;
                    archUnknown = a == null;
                    out.append(" -F arch").append(op(f.op())).append(a == AuditArch.X86_64 ? "b64"
                            : a == AuditArch.I386 ? "b32" : a != null ? a.auditName() : hex(f.value()));
                }
            }
            boolean uring = r.list() == AuditRule.AUDIT_FILTER_URING_EXIT; // io_uring operations, not syscalls
            syscalls(out, r, archUnknown || uring ? null : arch != null ? arch : AuditArch.X86_64);
        }
        if (watch) { // the path first, wherever its field is, so that the line starts with -w
            r.fields().stream().filter(f -> f.id() == AuditRule.AUDIT_WATCH || f.id() == AuditRule.AUDIT_DIR)
                    .forEach(f -> field(out, f, true));
        }
        for (AuditRuleData.Field f : r.fields()) {
            if (!watch || f.id() != AuditRule.AUDIT_WATCH && f.id() != AuditRule.AUDIT_DIR) {
                field(out, f, watch);
            }
        }
        return out.toString();
    }

    /**
     * auditctl's test (fields only path or dir, perm and key, with a perm; every syscall), made strict where auditctl's
     * answer would print a line that does not add back the same rule: exactly one path or dir, one perm of rwxa, at
     * most one key, on {@code always,exit}.
     */
    static boolean isWatch(AuditRuleData r) {
        int paths = 0;
        int perms = 0;
        int keys = 0;
        for (AuditRuleData.Field f : r.fields()) {
            switch (f.id()) {
                case AuditRule.AUDIT_PERM -> perms += f.value() > 0 && f.value() <= 15
                        && f.op() == AuditRule.AUDIT_EQUAL ? 1 : 2;
                case AuditRule.AUDIT_FILTERKEY -> keys++;
                case AuditRule.AUDIT_DIR, AuditRule.AUDIT_WATCH -> paths += f.op() == AuditRule.AUDIT_EQUAL ? 1 : 2;
                default -> {
                    return false;
                }
            }
        }
        return paths == 1 && perms == 1 && keys <= 1 && r.flags() == AuditRule.AUDIT_FILTER_EXIT
                && r.action() == AuditRule.AUDIT_ALWAYS && r.allSyscalls();
    }

    private static boolean takesSyscalls(int list) {
        return list != AuditRule.AUDIT_FILTER_USER && list != AuditRule.AUDIT_FILTER_TASK
                && list != AuditRule.AUDIT_FILTER_EXCLUDE && list != AuditRule.AUDIT_FILTER_FS;
    }

    private static void syscalls(StringBuilder out, AuditRuleData r, AuditArch arch) {
        if (!takesSyscalls(r.list())) {
            return;
        }
        if (r.allSyscalls()) {
            out.append(" -S all");
            return;
        }
        boolean first = true;
        for (int nr = 0; nr < AuditRuleData.MASK_WORDS * 32; nr++) {
            if (r.hasSyscall(nr)) {
                String name = arch == null ? null : arch.syscallName(nr);
                out.append(first ? " -S " : ",").append(name != null ? name : Integer.toString(nr));
                first = false;
            }
        }
    }

    private static void field(StringBuilder out, AuditRuleData.Field f, boolean watch) {
        int id = f.id();
        String name = AuditRuleNames.FIELD_NAMES.get(id);
        String op = op(f.op());
        if (id == AuditRule.AUDIT_ARCH) {
            return;
        }
        if (name == null) {
            out.append(" f").append(id).append(op).append(f.value());
            return;
        }
        switch (id) {
            case AuditRule.AUDIT_MSGTYPE -> {
                String type = Audit.typeName(f.value());
                out.append(" -F msgtype").append(op).append(type != null && !type.startsWith("UNKNOWN")
                        ? type : Integer.toString(f.value()));
            }
            case AuditRule.AUDIT_WATCH, AuditRule.AUDIT_DIR -> out.append(watch ? "-w " : " -F " + name + "=")
                    .append(word(f.text()));
            case AuditRule.AUDIT_EXE -> out.append(" -F exe").append(op).append(word(f.text())); // auditctl: always =
            case AuditRule.AUDIT_FILTERKEY -> {
                for (String k : List.of(f.text().split(String.valueOf(AuditRule.AUDIT_KEY_SEPARATOR)))) {
                    if (!k.isEmpty()) { // strtok: empty pieces print nothing
                        out.append(watch ? " -k " : " -F key=").append(word(k));
                    }
                }
            }
            case AuditRule.AUDIT_PERM -> out.append(watch ? " -p " : " -F perm=").append(perms(f.value()));
            case AuditRule.AUDIT_INODE -> out.append(" -F inode").append(op).append(Integer.toUnsignedString(f.value()));
            case AuditRule.AUDIT_FIELD_COMPARE -> {
                if (f.value() > 0 && f.value() < AuditRuleNames.COMPARE.length) {
                    String[] pair = AuditRuleNames.COMPARE[f.value()];
                    out.append(" -C ").append(pair[0]).append(op).append(pair[1]);
                }
            }
            case AuditRule.AUDIT_EXIT -> {
                String errno = f.value() < 0 ? AuditErrnoNames.name(-f.value()) : null;
                out.append(" -F exit").append(op).append(errno != null ? "-" + errno : Integer.toString(f.value()));
            }
            case AuditRule.AUDIT_FSTYPE -> {
                String fs = null;
                for (var e : AuditRuleNames.FSTYPES.entrySet()) {
                    fs = e.getValue() == f.value() ? e.getKey() : fs;
                }
                out.append(" -F fstype").append(op).append(fs != null ? fs : Integer.toString(f.value()));
            }
            default -> {
                if (AuditRuleData.isString(id)) {
                    out.append(" -F ").append(name).append(op).append(word(f.text()));
                } else if (id >= AuditRule.AUDIT_ARG0 && id <= AuditRule.AUDIT_ARG3) {
                    out.append(" -F ").append(name).append(op).append(hex(f.value()));
                } else {
                    out.append(" -F ").append(name).append(op).append(f.value());
                }
            }
        }
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v).toUpperCase(java.util.Locale.ROOT);
    }

    static String perms(int v) {
        return ((v & AuditRule.AUDIT_PERM_READ) != 0 ? "r" : "") + ((v & AuditRule.AUDIT_PERM_WRITE) != 0 ? "w" : "")
                + ((v & AuditRule.AUDIT_PERM_EXEC) != 0 ? "x" : "") + ((v & AuditRule.AUDIT_PERM_ATTR) != 0 ? "a" : "");
    }

    private static String op(int op) {
        String s = AuditRuleNames.opSymbol(op);
        return s != null ? s : "?" + hex(op) + "?";
    }

    private static String name(List<String> names, int n) {
        return n >= 0 && n < names.size() ? names.get(n) : Integer.toString(n);
    }

    /** The text as one word of a rule: bare, as auditctl prints it, unless a space or quote would split it. */
    static String word(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == '"' || c == '\'') {
                return s.indexOf('"') < 0 ? '"' + s + '"' : "'" + s + "'";
            }
        }
        return s.isEmpty() ? "\"\"" : s;
    }
}
