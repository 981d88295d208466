package io.upcall.protocol.audit;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Constants of {@code <linux/audit.h>} (and the user-space message types of {@code libaudit.h}), spelled as the
 * kernel spells them, and the record type names auditd prints ({@code SYSCALL}, {@code USER_LOGIN}, ...).
 */
public final class Audit {
    /** {@code AUDIT_NLGRP_READLOG}: the read-only multicast group (needs {@code CAP_AUDIT_READ}). */
    public static final int AUDIT_NLGRP_READLOG = 1;

    public static final int AUDIT_GET = 1000;
    public static final int AUDIT_SET = 1001;
    public static final int AUDIT_LIST_RULES = 1013;
    public static final int AUDIT_ADD_RULE = 1011;
    public static final int AUDIT_DEL_RULE = 1012;
    public static final int AUDIT_SYSCALL = 1300;
    public static final int AUDIT_PATH = 1302;
    public static final int AUDIT_CONFIG_CHANGE = 1305;
    public static final int AUDIT_SOCKADDR = 1306;
    public static final int AUDIT_CWD = 1307;
    public static final int AUDIT_EXECVE = 1309;
    public static final int AUDIT_EOE = 1320;
    public static final int AUDIT_PROCTITLE = 1327;

    /** User-space messages relayed by the kernel: 1100..1299 and 2100..2999 ({@code AUDIT_FIRST_USER_MSG..}). */
    public static boolean isUserMessage(int type) {
        return type >= 1100 && type <= 1299 || type >= 2100 && type <= 2999;
    }

    /** Names by type - {@link #FIRST_NAMED}: an array, since every record and event asks (no boxing, no hashing). */
    private static final int FIRST_NAMED = 1000;
    private static final String[] NAMES = new String[3000 - FIRST_NAMED];
    private static final String[] LOWER_NAMES = new String[NAMES.length];
    private static final Map<String, Integer> NUMBERS = new HashMap<>();

    static {
        String[] words = AuditTypeNames.TABLE.strip().split("\\s+");
        for (int i = 0; i + 1 < words.length; i += 2) {
            int type = Integer.parseInt(words[i]);
            NAMES[type - FIRST_NAMED] = words[i + 1];
            LOWER_NAMES[type - FIRST_NAMED] = words[i + 1].toLowerCase(Locale.ROOT);
            NUMBERS.put(words[i + 1], type);
        }
    }

    private Audit() {}

    /** The name auditd prints for a record type ({@code SYSCALL}), or {@code UNKNOWN[1423]} as auditd does. */
    public static String typeName(int type) {
        String n = type >= FIRST_NAMED && type - FIRST_NAMED < NAMES.length ? NAMES[type - FIRST_NAMED] : null;
        return n != null ? n : "UNKNOWN[" + type + "]";
    }

    /** {@link #typeName} in lower case, the {@code type} of an event: {@code syscall}, {@code unknown[1423]}. */
    public static String eventType(int type) {
        String n = type >= FIRST_NAMED && type - FIRST_NAMED < LOWER_NAMES.length ? LOWER_NAMES[type - FIRST_NAMED] : null;
        return n != null ? n : typeName(type).toLowerCase(Locale.ROOT);
    }

    /** The number of a type name as auditd writes it ({@code SYSCALL}, {@code UNKNOWN[1423]}), or -1. */
    public static int typeNumber(String name) {
        Integer n = NUMBERS.get(name);
        if (n != null) {
            return n;
        }
        if (name.startsWith("UNKNOWN[") && name.endsWith("]") && name.length() > 9 && name.length() < 16) {
            try {
                return Integer.parseInt(name, 8, name.length() - 1, 10);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
