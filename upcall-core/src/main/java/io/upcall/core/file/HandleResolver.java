package io.upcall.core.file;

import io.upcall.linux.Errno;
import io.upcall.linux.FileHandles;
import io.upcall.linux.LinuxException;
import io.upcall.protocol.fanotify.FanotifyInfo;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * File handles to paths, on the reading thread. One mount descriptor per marked filesystem (by {@code fsid}); the
 * directories met are kept open ({@code O_PATH}, by handle, the {@value #CACHED} most recently used), and each
 * path is read anew from {@code /proc/self/fd/N} when an event needs it: a renamed directory shows its name at
 * that moment, never a cached string. What the kernel forces: the path is the one the directory has when the event
 * is read, not when it happened (fanotify reports handles, not names of the past), so events queued before a
 * rename of a directory above them are read with its new name; the rename's own event comes in order among them.
 */
final class HandleResolver implements AutoCloseable {
    static final int CACHED = 256;
    private static final String DELETED = " (deleted)";

    private final Map<Long, FileHandles> mounts = new HashMap<>();
    private final LinkedHashMap<Key, FileHandles.Opened> open = new LinkedHashMap<>(CACHED * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, FileHandles.Opened> eldest) {
            if (size() > CACHED) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };

    /** A handle on a filesystem: fsid and {@code struct file_handle} bytes. */
    private record Key(long fsid, ByteBuffer handle) {}

    /** Adds the filesystem of {@code directory} (a directory on it), unless one of the same fsid is there. */
    void addFilesystem(String directory) throws LinuxException {
        FileHandles h = FileHandles.open(directory);
        if (mounts.putIfAbsent(h.fsid(), h) != null) {
            h.close();
        }
    }

    /** Resolves {@code fid}'s directory (or object), writing the outcome into {@code out}. */
    void resolve(FanotifyInfo.Fid fid, FileRecord.Writer out) {
        FileHandles mount = mounts.get(fid.fsid());
        if (mount == null) {
            out.unresolved(fid.offset(), Errno.ENODEV); // a filesystem no mark was put on
            return;
        }
        byte[] fh = fid.fileHandle();
        Key key = new Key(fid.fsid(), ByteBuffer.wrap(fh));
        FileHandles.Opened o = open.get(key);
        try {
            if (o == null) {
                o = mount.open(fh);
                open.put(key, o);
            }
            String path = o.path();
            boolean deleted = path.endsWith(DELETED);
            out.path(fid.offset(), deleted ? path.substring(0, path.length() - DELETED.length()) : path, deleted);
        } catch (LinuxException e) {
            if (o != null) {
                open.remove(key);
                o.close();
            }
            out.unresolved(fid.offset(), e.errno());
        }
    }

    @Override
    public void close() {
        open.values().forEach(FileHandles.Opened::close);
        open.clear();
        mounts.values().forEach(FileHandles::close);
        mounts.clear();
    }
}
