package io.upcall.core.file;

import io.upcall.protocol.fanotify.Fanotify;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The kinds of file event, each a fanotify event bit, in the order Upcall reports the kinds of one merged kernel
 * event (the kernel folds events on the same object that wait in its queue into one mask, and keeps no order
 * among them): what was created or opened before what was written, then closed, then moved or removed.
 */
public enum FileEventType {
    CREATE(Fanotify.FAN_CREATE),
    OPEN(Fanotify.FAN_OPEN),
    OPEN_EXEC(Fanotify.FAN_OPEN_EXEC),
    ACCESS(Fanotify.FAN_ACCESS),
    MODIFY(Fanotify.FAN_MODIFY),
    /** chmod, chown, utimes, link count, extended attributes. */
    ATTRIB(Fanotify.FAN_ATTRIB),
    CLOSE_WRITE(Fanotify.FAN_CLOSE_WRITE),
    CLOSE_NOWRITE(Fanotify.FAN_CLOSE_NOWRITE),
    /** One event with the old and the new name ({@code FAN_RENAME}, Linux 5.17+). */
    RENAME(Fanotify.FAN_RENAME),
    MOVED_FROM(Fanotify.FAN_MOVED_FROM),
    MOVED_TO(Fanotify.FAN_MOVED_TO),
    DELETE(Fanotify.FAN_DELETE),
    /** A marked file or directory itself was moved. */
    MOVE_SELF(Fanotify.FAN_MOVE_SELF),
    /** A marked file or directory itself was deleted. */
    DELETE_SELF(Fanotify.FAN_DELETE_SELF);

    /** What {@code upcall files} reports without {@code --events}: every change, no opens or reads. */
    public static final Set<FileEventType> CHANGES =
            EnumSet.of(CREATE, MODIFY, ATTRIB, CLOSE_WRITE, RENAME, DELETE, MOVE_SELF, DELETE_SELF);

    private final long bit;
    private final String jsonName;

    FileEventType(long bit) {
        this.bit = bit;
        this.jsonName = name().toLowerCase(Locale.ROOT);
    }

    /** The {@code FAN_*} bit. */
    public long bit() {
        return bit;
    }

    /** The {@code type} in the stream: {@code close_write}. */
    public String jsonName() {
        return jsonName;
    }

    /** By the stream's name ({@code close_write}), or null. */
    public static FileEventType named(String name) {
        for (FileEventType t : values()) {
            if (t.jsonName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The fanotify mask of a set of kinds. */
    public static long mask(Set<FileEventType> types) {
        long mask = 0;
        for (FileEventType t : types) {
            mask |= t.bit;
        }
        return mask;
    }
}
