package io.upcall.core.guard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an opener's context from {@code /proc/PID}: {@code status} (name, real and effective uid) and the
 * {@code exe} link. Both take only the task's own locks in the kernel, never its memory map's lock, which a process
 * stuck in a page fault can hold for long: {@code cmdline} and {@code environ} would, and are not read.
 *
 * <p>Not cached, on purpose: a process keeps its pid across {@code execve} (its executable changes) and
 * {@code setuid} (its uid changes), so a cached answer would let a process pass a rule it no longer meets. A read
 * that hangs anyway holds up the decision thread only: the watchdog answers on time, and replaces a decision thread
 * that stays stuck.
 */
final class Openers {
    private Openers() {}

    static Opener read(int pid) {
        Path dir = Path.of("/proc", Integer.toString(pid));
        String status;
        try {
            status = new String(Files.readAllBytes(dir.resolve("status")), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return Opener.unknown(pid); // exited, or hidden from us
        }
        String exe;
        try {
            exe = Files.readSymbolicLink(dir.resolve("exe")).toString();
        } catch (IOException | RuntimeException e) {
            exe = null; // a kernel thread, or a process exiting
        }
        String name = field(status, "Name:");
        String uids = field(status, "Uid:");
        int uid = -1;
        int euid = -1;
        if (uids != null) {
            String[] ids = uids.split("\\s+");
            try {
                uid = Integer.parseInt(ids[0]);
                euid = ids.length > 1 ? Integer.parseInt(ids[1]) : uid;
            } catch (NumberFormatException e) {
                uid = -1;
                euid = -1;
            }
        }
        return new Opener(pid, uid, euid, exe, name);
    }

    /** The value of {@code key} in a {@code status} text, trimmed, or null. */
    static String field(String status, String key) {
        int at = status.startsWith(key) ? 0 : status.indexOf("\n" + key);
        if (at < 0) {
            return null;
        }
        int from = at == 0 ? key.length() : at + 1 + key.length();
        int end = status.indexOf('\n', from);
        return status.substring(from, end < 0 ? status.length() : end).strip();
    }
}
