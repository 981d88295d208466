package io.upcall.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * File handles ({@code name_to_handle_at(2)}, {@code open_by_handle_at(2)}) on one mounted filesystem: the way back
 * from the handle a fanotify event carries to a path. An instance holds an {@code O_PATH} descriptor of a directory
 * on the filesystem (the {@code mount_fd} of {@code open_by_handle_at}) and the filesystem's id
 * ({@code statfs(2)} {@code f_fsid}, which fanotify puts in front of each handle).
 * <pre>{@code
 * struct file_handle {
 *     unsigned int  handle_bytes;   // size of f_handle
 *     int           handle_type;    // the filesystem's encoding
 *     unsigned char f_handle[];     // opaque
 * };
 * }</pre>
 * Handles are opened {@code O_PATH}: nothing is read, so opening makes no fanotify or inotify event of its own.
 * {@code open_by_handle_at} needs {@code CAP_DAC_READ_SEARCH}. The methods may be called from several threads.
 */
public final class FileHandles implements AutoCloseable {
    static final int AT_FDCWD = -100;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int O_RDONLY = 0;
    static final int O_DIRECTORY = 0x10000;
    static final int O_CLOEXEC = 0x80000;
    static final int O_PATH = 0x200000;
    /** {@code sizeof(struct statfs)} on 64-bit Linux, and where {@code f_fsid} sits in it. */
    static final int STATFS_SIZE = 120;
    static final int F_FSID = 56;
    static final int PATH_MAX = 4096;
    /** {@code MAX_HANDLE_SZ} from {@code <linux/exportfs.h>}. */
    static final int MAX_HANDLE_SZ = 128;

    /** A handle as {@code name_to_handle_at} gives it: {@code struct file_handle} as bytes, and the mount's id. */
    public record Handle(int mountId, byte[] fileHandle) {}

    private final FileDescriptor mount;
    private final String path;
    private final long fsid;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = Native.allocateErrno(arena);
    private final MemorySegment link = arena.allocate(32);
    private final MemorySegment target = arena.allocate(PATH_MAX);
    private final MemorySegment handle = arena.allocate(8 + MAX_HANDLE_SZ, 4);

    private FileHandles(int fd, String path, long fsid) {
        this.mount = new FileDescriptor(fd, "mount fd " + path);
        this.path = path;
        this.fsid = fsid;
    }

    /**
     * Opens the directory {@code path} (any directory on the filesystem) as the mount descriptor, and reads the
     * filesystem's id. Read-only, not {@code O_PATH}: {@code open_by_handle_at} refuses an {@code O_PATH} mount
     * descriptor with EBADF.
     */
    public static FileHandles open(String path) throws LinuxException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            int fd = Native.openat(errno, AT_FDCWD, call.allocateFrom(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) {
                throw new LinuxException("open(" + path + ")", Native.errno(errno));
            }
            MemorySegment st = call.allocate(STATFS_SIZE, 8);
            if (Native.fstatfs(errno, fd, st) != 0) {
                int e = Native.errno(errno);
                Native.close(errno, fd);
                throw new LinuxException("fstatfs(" + path + ")", e);
            }
            long id = Integer.toUnsignedLong(st.get(JAVA_INT, F_FSID)) | (long) st.get(JAVA_INT, F_FSID + 4) << 32;
            return new FileHandles(fd, path, id);
        }
    }

    /**
     * {@code name_to_handle_at(AT_FDCWD, path, ...)}: the handle of {@code path} (a symbolic link is followed only
     * when {@code follow}).
     * @throws LinuxException EOPNOTSUPP when the filesystem has no handles
     */
    public static Handle nameToHandle(String path, boolean follow) throws LinuxException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            MemorySegment fh = call.allocate(8 + MAX_HANDLE_SZ, 4);
            fh.set(JAVA_INT, 0, MAX_HANDLE_SZ);
            MemorySegment mountId = call.allocate(JAVA_INT);
            int flags = follow ? 0x400 /* AT_SYMLINK_FOLLOW */ : 0;
            if (Native.nameToHandleAt(errno, AT_FDCWD, call.allocateFrom(path), fh, mountId, flags) != 0) {
                throw new LinuxException("name_to_handle_at(" + path + ")", Native.errno(errno));
            }
            int bytes = fh.get(JAVA_INT, 0);
            return new Handle(mountId.get(JAVA_INT, 0), fh.asSlice(0, 8 + bytes).toArray(JAVA_BYTE));
        }
    }

    /** The path this was opened with. */
    public String path() {
        return path;
    }

    /** The filesystem's id, {@code f_fsid}: {@code val[0]} in the low 32 bits, {@code val[1]} in the high. */
    public long fsid() {
        return fsid;
    }

    /**
     * {@code open_by_handle_at(mount_fd, handle, O_PATH)}: the object a handle names, held open.
     * @param fileHandle {@code struct file_handle} as bytes (header and {@code f_handle})
     * @throws LinuxException ESTALE when the object is gone, EPERM without {@code CAP_DAC_READ_SEARCH}
     */
    public synchronized Opened open(byte[] fileHandle) throws LinuxException {
        if (fileHandle.length < 8 || fileHandle.length > 8 + MAX_HANDLE_SZ) {
            throw new LinuxException("open_by_handle_at(" + fileHandle.length + "-byte handle)", Errno.EINVAL);
        }
        MemorySegment.copy(fileHandle, 0, handle, JAVA_BYTE, 0, fileHandle.length);
        handle.set(JAVA_INT, 0, fileHandle.length - 8); // handle_bytes as the bytes given, whatever they claimed
        int fd = (int) mount.call(m -> Native.openByHandleAt(errno, m, handle, O_PATH | O_CLOEXEC));
        if (fd < 0) {
            throw new LinuxException("open_by_handle_at(" + path + ")", Native.errno(errno));
        }
        return new Opened(this, new FileDescriptor(fd, "handle on " + path));
    }

    /** {@code readlink("/proc/self/fd/N")}: the path the kernel knows the descriptor's object by now. */
    synchronized String pathOf(FileDescriptor fd) throws LinuxException {
        long n = fd.call(number -> {
            link.setString(0, "/proc/self/fd/" + number);
            return Native.readlink(errno, link, target, PATH_MAX);
        });
        if (n < 0) {
            throw new LinuxException("readlink(/proc/self/fd)", Native.errno(errno));
        }
        return new String(target.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (!mount.isClosed()) {
            mount.close();
            arena.close();
        }
    }

    /** An object opened by its handle ({@code O_PATH}); its path is read anew each time, so it follows renames. */
    public static final class Opened implements AutoCloseable {
        private final FileHandles owner;
        private final FileDescriptor fd;

        Opened(FileHandles owner, FileDescriptor fd) {
            this.owner = owner;
            this.fd = fd;
        }

        /**
         * The object's path now, as {@code /proc/self/fd/N} shows it: {@code " (deleted)"} appended by the kernel when
         * it was unlinked.
         */
        public String path() throws LinuxException {
            return owner.pathOf(fd);
        }

        @Override
        public void close() {
            fd.close();
        }
    }
}
