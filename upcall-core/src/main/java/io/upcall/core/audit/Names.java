package io.upcall.core.audit;

import io.upcall.core.procfs.UserNames;
import java.nio.file.Path;

/**
 * uid and gid fields of audit records as names, from this machine's {@code /etc/passwd} and {@code /etc/group} (as
 * {@code ausearch -i} does: a log from another machine is named by this one's files). Cached ({@link UserNames} re-reads
 * a file at most every ten seconds, when an id is unknown); {@code 4294967295} (-1, "unset", an auid before login) has
 * no name. Events are written on more than one thread (the stream's, a parse's), hence the lock.
 */
final class Names {
    private static final UserNames USERS = new UserNames(Path.of("/etc/passwd"));
    private static final UserNames GROUPS = new UserNames(Path.of("/etc/group"));

    private Names() {}

    static String user(String id) {
        return name(USERS, id);
    }

    static String group(String id) {
        return name(GROUPS, id);
    }

    private static String name(UserNames names, String id) {
        if (id == null || id.isEmpty() || id.length() > 10) {
            return null;
        }
        long v;
        try {
            v = Long.parseLong(id);
        } catch (NumberFormatException e) {
            return null;
        }
        if (v < 0 || v >= 4294967295L || v > Integer.MAX_VALUE) {
            return null;
        }
        synchronized (names) {
            return names.name((int) v);
        }
    }
}
