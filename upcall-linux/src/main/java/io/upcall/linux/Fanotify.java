package io.upcall.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * A fanotify group ({@code fanotify_init(2)}): marks ({@code fanotify_mark(2)}), reading its events, and answering
 * permission events by writing a {@code struct fanotify_response { __s32 fd; __u32 response; }}. The flag and mask
 * values are {@code io.upcall.protocol.fanotify.Fanotify}'s; the bytes read are decoded by
 * {@code FanotifyDecoder}.
 *
 * <p>Threads: {@link #read} and {@link #awaitReadable} belong to one reading thread; {@link #respond} and
 * {@link #closeEventFd} may be called from any thread (a decision thread and a watchdog); {@link #eventPath} from
 * any thread. {@link #close()} is idempotent, waits for calls under way, and closing the group is what makes the
 * kernel drop its marks and allow every permission event still pending.
 */
public final class Fanotify implements AutoCloseable {
    /** {@code AT_FDCWD} from {@code <fcntl.h>}: a relative path is resolved from the working directory. */
    public static final int AT_FDCWD = -100;
    private static final int PATH_MAX = 4096;

    private final FileDescriptor fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readErrno = Native.allocateErrno(arena);
    private final PollIn readable;
    private final Object responding = new Object();
    private final MemorySegment response = arena.allocate(8, 4);
    private final MemorySegment responseErrno = Native.allocateErrno(arena);

    private Fanotify(int fd) {
        this.fd = new FileDescriptor(fd, "fanotify");
        this.readable = new PollIn(arena, fd, "poll(fanotify)");
    }

    /**
     * {@code fanotify_init(flags, event_f_flags)}.
     *
     * @param flags       {@code FAN_CLASS_*}, {@code FAN_CLOEXEC}, {@code FAN_NONBLOCK}, {@code FAN_REPORT_*}, ...
     * @param eventFFlags the {@code open(2)} flags of the fds events carry, e.g. {@code O_RDONLY | O_CLOEXEC |
     *                    O_LARGEFILE}
     * @throws LinuxException EPERM without CAP_SYS_ADMIN, EINVAL for flags this kernel does not know, ENOSYS
     */
    public static Fanotify init(int flags, int eventFFlags) throws LinuxException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            int fd = Native.fanotifyInit(errno, flags, eventFFlags);
            if (fd < 0) {
                throw new LinuxException("fanotify_init(0x" + Integer.toHexString(flags) + ")", Native.errno(errno));
            }
            return new Fanotify(fd);
        }
    }

    /**
     * {@code fanotify_mark(fd, flags, mask, AT_FDCWD, path)}: adds, removes or flushes a mark.
     *
     * @param path the marked object; null only with {@code FAN_MARK_FLUSH}
     * @throws LinuxException ENOENT, ENOTDIR (with {@code FAN_MARK_ONLYDIR}), EINVAL for a mask or flag this kernel
     *                        or this group's class refuses, ENOSPC when the group has too many marks, EXDEV, ENODEV
     */
    public void mark(int flags, long mask, String path) throws LinuxException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            MemorySegment p = path == null ? MemorySegment.NULL : call.allocateFrom(path, StandardCharsets.UTF_8);
            if (fd.call(d -> Native.fanotifyMark(errno, d, flags, mask, AT_FDCWD, p)) < 0) {
                throw new LinuxException("fanotify_mark(0x" + Integer.toHexString(flags) + ", 0x" + Long.toHexString(mask)
                        + ", " + path + ")", Native.errno(errno));
            }
        }
    }

    /**
     * Waits until events can be read.
     *
     * @return true when readable; false when the time passed or a signal interrupted the wait
     */
    public boolean awaitReadable(int timeoutMillis) throws LinuxException {
        return fd.call(d -> readable.await(readErrno, timeoutMillis) ? 1 : 0) == 1;
    }

    /**
     * Reads whole events into {@code buffer} (the kernel never splits one; a buffer shorter than the next event
     * gives EINVAL). Each event's fd is now this process's to close.
     *
     * @return bytes read; 0 when the group was opened {@code FAN_NONBLOCK} and nothing is queued (EAGAIN), or a
     *         signal interrupted the read
     */
    public int read(MemorySegment buffer) throws LinuxException {
        long n = fd.call(d -> {
            long r = Native.read(readErrno, d, buffer, buffer.byteSize());
            return r < 0 ? -(long) Native.errno(readErrno) - 1 : r;
        });
        if (n < 0) {
            int e = (int) (-n - 1);
            if (e == Errno.EAGAIN || e == Errno.EINTR) {
                return 0;
            }
            throw new LinuxException("read(fanotify)", e);
        }
        return (int) n;
    }

    /**
     * Answers the permission event whose fd is {@code eventFd} with {@code response} ({@code FAN_ALLOW} or
     * {@code FAN_DENY}, optionally {@code | FAN_AUDIT}). Never blocks: the kernel takes the answer in the write.
     * Call it once per event, before closing the event's fd (the kernel finds the event by the fd number).
     *
     * @return 0 when the kernel took it, otherwise the errno: ENOENT when no event waits on that fd (already
     *         answered), EINVAL for a bad response, EBADF after {@link #close}
     */
    public int respond(int eventFd, int response) {
        synchronized (responding) {
            try {
                // The segments are touched only inside the call: after close their arena is gone.
                long n = fd.call(d -> {
                    this.response.set(JAVA_INT, 0, eventFd);
                    this.response.set(JAVA_INT, 4, response);
                    return Native.write(responseErrno, d, this.response, 8);
                });
                return n == 8 ? 0 : n < 0 ? Native.errno(responseErrno) : Errno.EIO;
            } catch (LinuxException e) {
                return e.errno(); // closed: EBADF
            }
        }
    }

    /**
     * The path of an event's fd, by {@code readlink("/proc/self/fd/N")}: a lookup in procfs that does not open the
     * file (so it never raises a fanotify event of its own). A file deleted since ends in {@code " (deleted)"}.
     *
     * @return the path, or null when the link cannot be read (the fd was closed)
     */
    public static String eventPath(int eventFd) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            MemorySegment link = call.allocateFrom("/proc/self/fd/" + eventFd, StandardCharsets.US_ASCII);
            MemorySegment buf = call.allocate(PATH_MAX);
            long n = Native.readlink(errno, link, buf, PATH_MAX);
            if (n < 0) {
                return null;
            }
            return new String(buf.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }

    /**
     * Memory one thread reuses for {@link #eventPath(int, Scratch)} and {@link #closeEventFd(int, Scratch)}, so that a
     * reading thread allocates nothing per event (an arena per call costs more than the system call; a shared one
     * cannot be freed without a handshake with every thread). Belongs to the thread whose arena allocated it.
     */
    public static final class Scratch {
        /** {@code "/proc/self/fd/"} then up to 10 digits and a NUL. */
        private static final byte[] PREFIX = "/proc/self/fd/".getBytes(StandardCharsets.US_ASCII);

        private final MemorySegment errno;
        private final MemorySegment link;
        private final MemorySegment target;
        private final byte[] bytes = new byte[PATH_MAX];

        /** @param arena confined to the thread that uses it, open as long as it does */
        public Scratch(Arena arena) {
            this.errno = Native.allocateErrno(arena);
            this.link = arena.allocate(PREFIX.length + 12);
            MemorySegment.copy(PREFIX, 0, link, JAVA_BYTE, 0, PREFIX.length);
            this.target = arena.allocate(PATH_MAX);
        }

        /** Writes {@code fd}'s digits after the prefix, NUL-terminated. */
        private MemorySegment link(int fd) {
            int digits = 1;
            for (int v = fd; v >= 10; v /= 10) {
                digits++;
            }
            long at = PREFIX.length + digits;
            link.set(JAVA_BYTE, at, (byte) 0);
            int v = fd;
            do {
                link.set(JAVA_BYTE, --at, (byte) ('0' + v % 10));
                v /= 10;
            } while (v > 0);
            return link;
        }
    }

    /**
     * {@link #eventPath(int)} in the caller's {@link Scratch}: no allocation but the string.
     *
     * @return the path, or null when the link cannot be read (the fd was closed, or a negative fd)
     */
    public static String eventPath(int eventFd, Scratch scratch) {
        if (eventFd < 0) {
            return null;
        }
        long n = Native.readlink(scratch.errno, scratch.link(eventFd), scratch.target, PATH_MAX);
        if (n < 0) {
            return null;
        }
        MemorySegment.copy(scratch.target, JAVA_BYTE, 0, scratch.bytes, 0, (int) n);
        return new String(scratch.bytes, 0, (int) n, StandardCharsets.UTF_8);
    }

    /** {@link #closeEventFd(int)} with the caller's {@link Scratch} for errno. */
    public static void closeEventFd(int eventFd, Scratch scratch) {
        if (eventFd >= 0) {
            Native.close(scratch.errno, eventFd);
        }
    }

    /** Closes an fd an event carried (after answering it, for a permission event). */
    public static void closeEventFd(int eventFd) {
        if (eventFd >= 0) {
            try (Arena call = Arena.ofConfined()) {
                Native.close(Native.allocateErrno(call), eventFd);
            }
        }
    }

    /** The group's fd number, to find its marks in {@code /proc/PID/fdinfo/N}. */
    public int descriptor() {
        return fd.number();
    }

    /**
     * Closes the group: the kernel removes its marks and answers {@code FAN_ALLOW} to every permission event still
     * waiting for it. Idempotent.
     */
    @Override
    public void close() {
        if (!fd.isClosed()) {
            fd.close();
            arena.close();
        }
    }
}
