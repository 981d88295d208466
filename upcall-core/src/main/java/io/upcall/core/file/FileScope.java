package io.upcall.core.file;

import io.upcall.protocol.fanotify.Fanotify;

/** What a path given to the file channel marks: the object itself, its whole mount, or its whole filesystem. */
public enum FileScope {
    /**
     * An inode mark: a file, or a directory and the entries directly in it ({@code FAN_EVENT_ON_CHILD}); not the
     * directories below, which need marks of their own.
     */
    PATH(Fanotify.FAN_MARK_INODE),
    /** {@code FAN_MARK_MOUNT}: everything on the mount the path is on. Needs CAP_SYS_ADMIN. */
    MOUNT(Fanotify.FAN_MARK_MOUNT),
    /** {@code FAN_MARK_FILESYSTEM}: everything on the path's filesystem, through any mount. Needs CAP_SYS_ADMIN. */
    FILESYSTEM(Fanotify.FAN_MARK_FILESYSTEM);

    private final int markFlag;

    FileScope(int markFlag) {
        this.markFlag = markFlag;
    }

    /** The {@code FAN_MARK_*} type flag. */
    public int markFlag() {
        return markFlag;
    }
}
