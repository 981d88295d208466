package io.upcall.core.file;

import io.upcall.core.channel.ChannelContext;
import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.protocol.fanotify.Fanotify;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/** The file channel's fanotify group: its flags, with what an older kernel lacks left out (and said), and its marks. */
final class FanotifyGroup {
    /** {@code O_RDONLY | O_LARGEFILE | O_CLOEXEC}: event fds are not made in FID mode, but the flags must be valid. */
    static final int EVENT_F_FLAGS = 0x8000 | 0x80000;
    static final int BASE = Fanotify.FAN_CLASS_NOTIF | Fanotify.FAN_CLOEXEC | Fanotify.FAN_NONBLOCK
            | Fanotify.FAN_REPORT_DFID_NAME | Fanotify.FAN_REPORT_FID;
    /** Events only an inode mark on a directory, or a filesystem mark, has: a mount mark refuses them (EINVAL). */
    static final Set<FileEventType> DIRENT_AND_INODE = EnumSet.of(FileEventType.CREATE, FileEventType.DELETE,
            FileEventType.RENAME, FileEventType.MOVED_FROM, FileEventType.MOVED_TO, FileEventType.ATTRIB,
            FileEventType.DELETE_SELF, FileEventType.MOVE_SELF);
    static final Set<FileEventType> DIRENT = EnumSet.of(FileEventType.CREATE, FileEventType.DELETE,
            FileEventType.RENAME, FileEventType.MOVED_FROM, FileEventType.MOVED_TO);

    private FanotifyGroup() {}

    /**
     * {@code fanotify_init} with {@code FAN_REPORT_TARGET_FID} (5.17+) and {@code FAN_REPORT_PIDFD} (5.15+); on a
     * kernel that refuses either, without it, and a warning says what is missing.
     */
    static io.upcall.linux.Fanotify init(ChannelContext context) throws LinuxException {
        int[] tries = {BASE | Fanotify.FAN_REPORT_TARGET_FID | Fanotify.FAN_REPORT_PIDFD, BASE | Fanotify.FAN_REPORT_PIDFD, BASE};
        LinuxException first = null;
        for (int flags : tries) {
            try {
                io.upcall.linux.Fanotify g = io.upcall.linux.Fanotify.init(flags, EVENT_F_FLAGS);
                if ((flags & Fanotify.FAN_REPORT_PIDFD) == 0 && context != null) {
                    context.warn("file: this kernel has no FAN_REPORT_PIDFD (Linux 5.15+): the actor is read from /proc "
                            + "by pid, and not at all once it exited");
                }
                return g;
            } catch (LinuxException e) {
                if (e.errno() != Errno.EINVAL) {
                    throw e;
                }
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    /** Marks every path and opens its filesystem for handle resolution. */
    static void mark(io.upcall.linux.Fanotify group, HandleResolver resolver, FileOptions options, ChannelContext context)
            throws LinuxException {
        Set<FileEventType> kinds = EnumSet.copyOf(options.events());
        if (options.scope() == FileScope.MOUNT && kinds.removeAll(DIRENT_AND_INODE) && context != null) {
            context.warn("file: a mount mark cannot report create, delete, rename, attrib or *_self (the kernel "
                    + "refuses them on mounts); use --filesystem or paths for those");
        }
        if (kinds.isEmpty()) {
            throw new LinuxException("fanotify_mark(none of the chosen events can be had on a mount)", Errno.EINVAL);
        }
        for (String path : options.paths()) {
            Path p = Path.of(path);
            boolean dir = Files.isDirectory(p);
            Set<FileEventType> here = EnumSet.copyOf(kinds);
            long extra = Fanotify.FAN_ONDIR;
            if (options.scope() == FileScope.PATH) {
                if (dir) {
                    extra |= Fanotify.FAN_EVENT_ON_CHILD;
                } else {
                    here.removeAll(DIRENT); // a file has no entries
                    extra = 0; // and FAN_ONDIR on a file's mark is refused (ENOTDIR)
                }
            }
            if (!here.isEmpty()) {
                group.mark(Fanotify.FAN_MARK_ADD | options.scope().markFlag(), FileEventType.mask(here) | extra, path);
            }
            Path parent = p.toAbsolutePath().getParent();
            resolver.addFilesystem(dir || parent == null ? path : parent.toString());
        }
    }
}
