package io.upcall.protocol.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The words of the {@code auditctl} rule language and their numbers in {@code <linux/audit.h>}: field names (as
 * libaudit 3.0.9 names them, which is what {@code auditctl -l} prints), operators, lists, actions, {@code -C}
 * comparisons, file types and the file system types auditctl knows.
 */
final class AuditRuleNames {
    /** Field names in libaudit's order; {@code loginuid} is a second name of {@code auid} when parsing. */
    static final Map<String, Integer> FIELDS = new LinkedHashMap<>();
    static final Map<Integer, String> FIELD_NAMES = new LinkedHashMap<>();
    /** Operators, longest first so that parsing finds {@code !=} before {@code =}. */
    static final List<String> OP_SYMBOLS = List.of("!=", ">=", "<=", "&=", "=", ">", "<", "&");
    static final int[] OP_VALUES = {AuditRule.AUDIT_NOT_EQUAL, AuditRule.AUDIT_GREATER_THAN_OR_EQUAL,
            AuditRule.AUDIT_LESS_THAN_OR_EQUAL, AuditRule.AUDIT_BIT_TEST, AuditRule.AUDIT_EQUAL,
            AuditRule.AUDIT_GREATER_THAN, AuditRule.AUDIT_LESS_THAN, AuditRule.AUDIT_BIT_MASK};
    /** Filter lists by number ({@code audit_flag_to_name}). */
    static final List<String> LISTS = List.of("user", "task", "entry", "watch", "exit", "exclude", "filesystem",
            "io_uring");
    static final List<String> ACTIONS = List.of("never", "possible", "always");
    /** {@code AUDIT_COMPARE_*} 1..25: the two fields each compares. */
    static final String[][] COMPARE = {null, {"uid", "obj_uid"}, {"gid", "obj_gid"}, {"euid", "obj_uid"},
            {"egid", "obj_gid"}, {"auid", "obj_uid"}, {"suid", "obj_uid"}, {"sgid", "obj_gid"}, {"fsuid", "obj_uid"},
            {"fsgid", "obj_gid"}, {"uid", "auid"}, {"uid", "euid"}, {"uid", "fsuid"}, {"uid", "suid"},
            {"auid", "fsuid"}, {"auid", "suid"}, {"auid", "euid"}, {"euid", "suid"}, {"euid", "fsuid"},
            {"suid", "fsuid"}, {"gid", "egid"}, {"gid", "fsgid"}, {"gid", "sgid"}, {"egid", "fsgid"},
            {"egid", "sgid"}, {"sgid", "fsgid"}};
    /** {@code -F filetype=}: the {@code S_IF*} bits of each name. */
    static final Map<String, Integer> FILETYPES = Map.of("file", 0100000, "dir", 040000, "socket", 0140000, "link",
            0120000, "character", 020000, "block", 060000, "fifo", 010000);
    /** {@code -F fstype=}: the file systems auditctl names (their {@code statfs} magic). */
    static final Map<String, Integer> FSTYPES = Map.of("debugfs", 0x64626720, "tracefs", 0x74726163);

    static {
        String[] names = {"pid", "uid", "euid", "suid", "fsuid", "gid", "egid", "sgid", "fsgid", "auid", "pers", "arch",
                "msgtype", "subj_user", "subj_role", "subj_type", "subj_sen", "subj_clr", "ppid", "obj_user",
                "obj_role", "obj_type", "obj_lev_low", "obj_lev_high"};
        for (int i = 0; i < names.length; i++) {
            field(names[i], i);
        }
        field("sessionid", AuditRule.AUDIT_SESSIONID);
        field("fstype", AuditRule.AUDIT_FSTYPE);
        field("devmajor", AuditRule.AUDIT_DEVMAJOR);
        field("devminor", AuditRule.AUDIT_DEVMINOR);
        field("inode", AuditRule.AUDIT_INODE);
        field("exit", AuditRule.AUDIT_EXIT);
        field("success", AuditRule.AUDIT_SUCCESS);
        field("path", AuditRule.AUDIT_WATCH);
        field("perm", AuditRule.AUDIT_PERM);
        field("dir", AuditRule.AUDIT_DIR);
        field("filetype", AuditRule.AUDIT_FILETYPE);
        field("obj_uid", AuditRule.AUDIT_OBJ_UID);
        field("obj_gid", AuditRule.AUDIT_OBJ_GID);
        field("field_compare", AuditRule.AUDIT_FIELD_COMPARE);
        field("exe", AuditRule.AUDIT_EXE);
        field("saddr_fam", AuditRule.AUDIT_SADDR_FAM);
        for (int i = 0; i < 4; i++) {
            field("a" + i, AuditRule.AUDIT_ARG0 + i);
        }
        field("key", AuditRule.AUDIT_FILTERKEY);
        FIELDS.put("loginuid", AuditRule.AUDIT_LOGINUID);
    }

    private AuditRuleNames() {}

    private static void field(String name, int id) {
        FIELDS.put(name, id);
        FIELD_NAMES.put(id, name);
    }

    /** The symbol of an operator ({@code fieldflags & AUDIT_OPERATORS}), or null for a value no operator has. */
    static String opSymbol(int op) {
        for (int i = 0; i < OP_VALUES.length; i++) {
            if (OP_VALUES[i] == op) {
                return OP_SYMBOLS.get(i);
            }
        }
        return null;
    }

    /** The {@code AUDIT_COMPARE_*} of {@code -C left=right}, or -1. */
    static int compare(String left, String right) {
        for (int i = 1; i < COMPARE.length; i++) {
            if (COMPARE[i][0].equals(left) && COMPARE[i][1].equals(right)
                    || COMPARE[i][1].equals(left) && COMPARE[i][0].equals(right)) {
                return i;
            }
        }
        return -1;
    }

    static boolean isUid(int id) {
        return id >= AuditRule.AUDIT_UID && id <= AuditRule.AUDIT_FSUID || id == AuditRule.AUDIT_LOGINUID
                || id == AuditRule.AUDIT_OBJ_UID;
    }

    static boolean isGid(int id) {
        return id >= AuditRule.AUDIT_GID && id <= AuditRule.AUDIT_FSGID || id == AuditRule.AUDIT_OBJ_GID;
    }
}
