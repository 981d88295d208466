package io.upcall.core.file;

import io.upcall.core.event.Event;
import io.upcall.core.event.TableRow;
import io.upcall.core.json.JsonBuffer;
import java.time.Instant;

/**
 * Something happened to a file or directory under a fanotify mark ({@code source: file}).
 *
 * @param time       when Upcall read it (fanotify events carry no time of their own)
 * @param type       the kind, as {@link FileEventType#jsonName()}: {@code create}, {@code close_write}, ...
 * @param path       the full path: for a rename its new path; null when it could not be resolved (see
 *                   {@code unresolved})
 * @param oldPath    for {@code rename}: the path it had; else null
 * @param directory  the object is a directory ({@code FAN_ONDIR})
 * @param pid        the acting process (thread group id); 0 when the kernel did not say (a kernel thread, or the
 *                   actor in another pid namespace)
 * @param process    what was known of the actor when the event was read, or null
 * @param unresolved why {@code path} (or a part of it) could not be resolved ({@code ESTALE}: the directory was
 *                   gone by then), else null
 * @param name       the entry's name within its directory, as the kernel gave it (for an unresolved path, the part
 *                   known), or null
 */
public record FileEvent(Instant time, String type, String path, String oldPath, boolean directory, int pid, Actor process,
        String unresolved, String name) implements Event {

    /**
     * The acting process, as its pidfd and {@code /proc} described it when the event was read: after the actor
     * exited, what the pidfd still tells (it names exactly that process, even after its pid was reused).
     *
     * @param pid      the process's pid
     * @param ppid     its parent's, -1 when unknown
     * @param uid      its real uid, -1 when unknown
     * @param euid     its effective uid, -1 when unknown
     * @param comm     its command name, null when it was gone
     * @param exe      its executable, null when gone or not readable
     * @param exited   it had exited when the event was read
     * @param exitCode its wait status once reaped (Linux 6.15+ keeps it), else -1
     */
    public record Actor(int pid, int ppid, int uid, int euid, String comm, String exe, boolean exited, int exitCode) {}

    @Override
    public String source() {
        return FileChannel.NAME;
    }

    @Override
    public void writeJsonFields(JsonBuffer out) {
        out.field("path", path);
        if (oldPath != null || FileEventType.RENAME.jsonName().equals(type)) {
            out.field("old_path", oldPath).field("new_path", path);
        }
        if (directory) {
            out.field("directory", true);
        }
        if (unresolved != null) {
            out.field("unresolved", unresolved).field("name", name);
        }
        out.field("pid", pid);
        if (process != null) {
            out.beginObject("process").field("pid", process.pid()).optional("ppid", process.ppid())
                    .field("comm", process.comm()).field("exe", process.exe()).optional("uid", process.uid())
                    .optional("euid", process.euid()).field("exited", process.exited());
            if (process.exitCode() >= 0) {
                out.field("exit_status", process.exitCode());
            }
            out.endObject();
        }
    }

    /** Like fatrace: {@code comm(pid): TYPE path}. */
    @Override
    public TableRow tableRow() {
        String what = path != null ? path : "?/" + (name == null ? "" : name) + " (" + unresolved + ")";
        if (oldPath != null) {
            what = oldPath + " -> " + what;
        }
        String who = process == null || process.comm() == null ? "" : process.comm() + (process.exited() ? " (exited)" : "");
        TableRow.Tone tone = switch (type) {
            case "create" -> TableRow.Tone.BEGIN;
            case "delete", "delete_self" -> TableRow.Tone.END;
            case "attrib", "rename", "moved_from", "moved_to", "move_self" -> TableRow.Tone.CHANGE;
            case "open", "access", "close_nowrite" -> TableRow.Tone.FAINT;
            default -> TableRow.Tone.NOTICE;
        };
        String shortName = switch (type) {
            case "close_write" -> "close_w";
            case "close_nowrite" -> "close";
            case "open_exec" -> "exec";
            case "moved_from" -> "moved_fr";
            case "delete_self" -> "del_self";
            default -> type;
        };
        return new TableRow(tone, shortName, Integer.toString(pid),
                what + (directory ? "/" : ""), who);
    }
}
