package io.upcall.protocol.audit;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@code arch} field of a SYSCALL record ({@code AUDIT_ARCH_*} of {@code <linux/audit.h>}, in hex) and the
 * syscall names of the architectures Upcall has tables for (x86_64 and i386, {@link AuditSyscallTables}).
 */
public enum AuditArch {
    X86_64(0xc000003eL, "x86_64", AuditSyscallTables.X86_64),
    I386(0x40000003L, "i386", AuditSyscallTables.I386),
    AARCH64(0xc00000b7L, "aarch64", null);

    private final long value;
    private final String auditName;
    private final Map<Integer, String> names = new HashMap<>();
    private final Map<String, Integer> numbers = new HashMap<>();

    AuditArch(long value, String auditName, String table) {
        this.value = value;
        this.auditName = auditName;
        if (table != null) {
            String[] w = table.strip().split("\\s+");
            for (int i = 0; i + 1 < w.length; i += 2) {
                names.put(Integer.parseInt(w[i]), w[i + 1]);
                numbers.putIfAbsent(w[i + 1], Integer.parseInt(w[i]));
            }
        }
    }

    /** The {@code AUDIT_ARCH_*} value. */
    public long value() {
        return value;
    }

    /** The name auditctl and ausearch use: {@code x86_64}, {@code i386}. */
    public String auditName() {
        return auditName;
    }

    /** A syscall's name, or null when this table lacks the number. */
    public String syscallName(int number) {
        return names.get(number);
    }

    /** A syscall's number, or -1 when this table lacks the name. */
    public int syscallNumber(String name) {
        Integer n = numbers.get(name);
        return n == null ? -1 : n;
    }

    /** The arch whose {@code AUDIT_ARCH_*} value is {@code value}, or null. */
    public static AuditArch ofValue(long value) {
        for (AuditArch a : values()) {
            if (a.value == value) {
                return a;
            }
        }
        return null;
    }

    /** The arch of a record's {@code arch=c000003e} field, or null. */
    public static AuditArch ofField(String hex) {
        if (hex == null || hex.isEmpty() || hex.length() > 8) {
            return null;
        }
        try {
            long v = Long.parseLong(hex, 16);
            for (AuditArch a : values()) {
                if (a.value == v) {
                    return a;
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }
}
