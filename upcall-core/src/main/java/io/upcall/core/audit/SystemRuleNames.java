package io.upcall.core.audit;

import io.upcall.protocol.audit.AuditRuleParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The names of audit rules as this machine resolves them when a rule is added, as auditctl does: users from
 * {@code /etc/passwd}, groups from {@code /etc/group} (local files only; no NSS), and whether a watched path is a
 * directory now.
 */
public final class SystemRuleNames implements AuditRuleParser.Names {
    private final Path passwd;
    private final Path group;

    public SystemRuleNames(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    /** {@code /etc/passwd} and {@code /etc/group}. */
    public static SystemRuleNames system() {
        return new SystemRuleNames(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    @Override
    public long uid(String name) {
        return lookup(passwd, name);
    }

    @Override
    public long gid(String name) {
        return lookup(group, name);
    }

    @Override
    public boolean isDirectory(String path) {
        try {
            return Files.isDirectory(Path.of(path));
        } catch (RuntimeException e) { // a path Java cannot represent is no directory Upcall can tell
            return false;
        }
    }

    /** The third colon-separated column of the line whose first is {@code name}, or -1. */
    private static long lookup(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] w = line.split(":", 4);
                if (w.length >= 3 && w[0].equals(name)) {
                    return Long.parseLong(w[2]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1; // unreadable: the name is unknown, and the parser says so
        }
        return -1;
    }
}
