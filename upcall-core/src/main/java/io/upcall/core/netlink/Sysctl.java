package io.upcall.core.netlink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a {@code /proc/sys} value in one {@code read(2)}. Numeric sysctls return nothing at a non-zero
 * offset, so {@link Files#readString} (which starts with a tiny read on a file whose size is 0) gets
 * only the first digit: {@code "4"} for {@code rmem_max = 4194304}.
 */
public final class Sysctl {
    private Sysctl() {}

    /** The value, stripped, or null when it cannot be read. */
    public static String read(String name) {
        Path path = Path.of("/proc/sys", name.replace('.', '/'));
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            return n <= 0 ? null : new String(buf, 0, n, StandardCharsets.UTF_8).strip();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
