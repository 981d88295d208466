package io.upcall.core.file;

import io.upcall.core.channel.Availability;
import io.upcall.linux.LinuxException;
import io.upcall.protocol.fanotify.Fanotify;

/** Whether a fanotify group with file handles (and pidfds) can be had here, and what marks it may take. */
final class FileProbe {
    private FileProbe() {}

    static Availability check() {
        try (io.upcall.linux.Fanotify g = FanotifyGroup.init(null)) {
            String pidfd = pidfdSupported() ? "FAN_REPORT_PIDFD yes" : "FAN_REPORT_PIDFD no (before Linux 5.15)";
            String wide;
            try {
                g.mark(Fanotify.FAN_MARK_ADD | Fanotify.FAN_MARK_FILESYSTEM, Fanotify.FAN_CLOSE_WRITE, "/");
                g.mark(Fanotify.FAN_MARK_REMOVE | Fanotify.FAN_MARK_FILESYSTEM, Fanotify.FAN_CLOSE_WRITE, "/");
                wide = "mount and filesystem marks allowed";
            } catch (LinuxException e) {
                wide = "mount and filesystem marks refused (" + e.errnoName() + ": they need CAP_SYS_ADMIN)";
            }
            return new Availability(FileChannel.NAME, true, "fanotify with file handles and names; " + pidfd + "; "
                    + wide + "; only when asked: upcall files PATH, monitor --files PATH");
        } catch (LinuxException e) {
            String why = e.isPermissionDenied() ? ": fanotify needs CAP_SYS_ADMIN (run as root)" : "";
            return new Availability(FileChannel.NAME, false, e.getMessage() + why);
        }
    }

    private static boolean pidfdSupported() {
        int flags = FanotifyGroup.BASE | Fanotify.FAN_REPORT_PIDFD;
        try (io.upcall.linux.Fanotify g = io.upcall.linux.Fanotify.init(flags, FanotifyGroup.EVENT_F_FLAGS)) {
            return true;
        } catch (LinuxException e) {
            return false;
        }
    }
}
