package io.upcall.core.procfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * uid to user name, from {@code /etc/passwd}, read when first asked and again when a uid is unknown
 * (at most once every ten seconds, so a storm of unknown uids does not re-read the file each time).
 */
public final class UserNames {
    private static final long REREAD_NANOS = 10_000_000_000L;

    private final Path passwd;
    private Map<Integer, String> names;
    private long readAt;

    public UserNames(Path passwd) {
        this.passwd = passwd;
    }

    public String name(int uid) {
        if (uid < 0) {
            return null;
        }
        if (names == null || (!names.containsKey(uid) && System.nanoTime() - readAt > REREAD_NANOS)) {
            names = read();
            readAt = System.nanoTime();
        }
        return names.get(uid);
    }

    private Map<Integer, String> read() {
        Map<Integer, String> map = new HashMap<>();
        try {
            for (String line : Files.readAllLines(passwd)) {
                String[] f = line.split(":", 4);
                if (f.length >= 3) {
                    try {
                        map.putIfAbsent(Integer.parseInt(f[2]), f[0]);
                    } catch (NumberFormatException e) {
                        // a comment or a broken line: skip it
                    }
                }
            }
        } catch (IOException e) {
            // no passwd file: names stay unknown
        }
        return map;
    }
}
