package io.upcall.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A listening Unix stream socket ({@code socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)}, {@code bind},
 * {@code listen}) whose accepted connections tell who connected ({@link UnixConnection#peerCredentials()}),
 * which the JDK's own Unix channels do not (they give user and group names, not the pid).
 *
 * <p>The listening socket is non-blocking, so a client that gives up between {@code poll} and {@code accept4}
 * never blocks the accepting thread. One thread accepts; {@link #close()} is idempotent and belongs to that
 * thread too.
 */
public final class UnixServerSocket implements AutoCloseable {
    /** {@code sizeof(((struct sockaddr_un *) 0)->sun_path)} on Linux. */
    static final int SUN_PATH_SIZE = 108;

    private final FileDescriptor fd;
    private final Path path;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = Native.allocateErrno(arena);
    private final PollIn pending;

    private UnixServerSocket(int fd, Path path) {
        this.fd = new FileDescriptor(fd, path.toString());
        this.path = path;
        this.pending = new PollIn(arena, fd, "poll(" + path + ")");
    }

    /**
     * Creates the socket file at {@code path} and listens on it.
     * @throws LinuxException EADDRINUSE when the file exists (a stale socket is the caller's to remove)
     * @throws IllegalArgumentException when the path does not fit in {@code sun_path}
     */
    public static UnixServerSocket listen(Path path, int backlog) throws LinuxException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH_SIZE) {
            throw new IllegalArgumentException("socket path is " + name.length + " bytes, the limit is "
                    + (SUN_PATH_SIZE - 1) + ": " + path);
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            int fd = Native.socket(errno, Sockets.AF_UNIX,
                    Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC | Sockets.SOCK_NONBLOCK, 0);
            if (fd < 0) {
                throw new LinuxException("socket(AF_UNIX)", Native.errno(errno));
            }
            // struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }
            MemorySegment addr = call.allocate(2 + SUN_PATH_SIZE, 2);
            addr.set(JAVA_SHORT, 0, (short) Sockets.AF_UNIX);
            MemorySegment.copy(name, 0, addr, JAVA_BYTE, 2, name.length);
            if (Native.bind(errno, fd, addr, (int) addr.byteSize()) < 0) {
                int e = Native.errno(errno);
                Native.close(errno, fd);
                throw new LinuxException("bind(" + path + ")", e);
            }
            if (Native.listen(errno, fd, backlog) < 0) {
                int e = Native.errno(errno);
                Native.close(errno, fd);
                throw new LinuxException("listen(" + path + ")", e);
            }
            return new UnixServerSocket(fd, path);
        }
    }

    public Path path() {
        return path;
    }

    int fd() {
        return fd.number();
    }

    /**
     * Waits up to {@code timeoutMillis} for a connection and accepts it.
     * @return the connection, or null when none came in time (or a signal interrupted the wait)
     */
    public UnixConnection accept(int timeoutMillis) throws LinuxException {
        if (fd.call(d -> pending.await(errno, timeoutMillis) ? 1 : 0) == 0) {
            return null;
        }
        return accept4(Sockets.SOCK_CLOEXEC);
    }

    /**
     * Accepts a connection if one is waiting, without waiting; the connection is non-blocking (for a
     * {@link PollSet}: {@link UnixConnection#read} with timeout 0 and {@link UnixConnection#send}).
     * @return the connection, or null when none is waiting
     * @throws LinuxException e.g. EMFILE or ENFILE when out of file descriptors: the connection stays queued, so
     *         the caller should wait before trying again rather than spin
     */
    public UnixConnection acceptNow() throws LinuxException {
        return accept4(Sockets.SOCK_CLOEXEC | Sockets.SOCK_NONBLOCK);
    }

    private UnixConnection accept4(int flags) throws LinuxException {
        int conn = (int) fd.call(d -> Native.accept4(errno, d, MemorySegment.NULL, MemorySegment.NULL, flags));
        if (conn < 0) {
            int e = Native.errno(errno);
            if (e == Errno.EAGAIN || e == Errno.EINTR) {
                return null;
            }
            throw new LinuxException("accept4(" + path + ")", e);
        }
        return new UnixConnection(conn);
    }

    @Override
    public void close() {
        if (!fd.isClosed()) {
            fd.close();
            arena.close();
        }
    }
}
