package io.upcall.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One accepted Unix stream connection, used by the thread that accepted it: it reads with a deadline so that a
 * client that connects and says nothing cannot hold that thread, and tells who connected, from the kernel.
 */
public final class UnixConnection implements AutoCloseable {
    private static final int BUFFER = 64 << 10;

    private final FileDescriptor fd;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment errno = Native.allocateErrno(arena);
    private final MemorySegment buffer = arena.allocate(BUFFER, 8);
    private final PollIn readable;

    UnixConnection(int fd) {
        this.fd = new FileDescriptor(fd, "AF_UNIX connection");
        this.readable = new PollIn(arena, fd, "poll(AF_UNIX)");
    }

    int fd() {
        return fd.number();
    }

    /**
     * The connecting process's pid, uid and gid ({@code getsockopt(SO_PEERCRED)}), as they were when it connected.
     * The pid stays the same number after that process has exited, when it may name another process: use
     * {@link #peerPidfd()} to act on the process itself.
     */
    public Ucred peerCredentials() throws LinuxException {
        MemorySegment ucred = arena.allocate(12, 4);
        MemorySegment len = arena.allocate(JAVA_INT);
        len.set(JAVA_INT, 0, 12);
        if (fd.call(d -> Native.getsockopt(errno, d, Sockets.SOL_SOCKET, Sockets.SO_PEERCRED, ucred, len)) < 0) {
            throw new LinuxException("getsockopt(SO_PEERCRED)", Native.errno(errno));
        }
        return new Ucred(ucred.get(JAVA_INT, 0), ucred.get(JAVA_INT, 4), ucred.get(JAVA_INT, 8));
    }

    /**
     * A pidfd for the process that connected ({@code getsockopt(SO_PEERPIDFD)}, Linux 6.5+): the kernel took it
     * from the same record as {@link #peerCredentials()}, so it names that process and never one that got its pid
     * later. Whether the process is still alive is the caller's to ask ({@link Pidfd#hasExited()}).
     *
     * @return a pidfd the caller owns
     * @throws LinuxException ENOPROTOOPT on kernels before 6.5; ESRCH or EINVAL when the peer is gone and the kernel
     *         cannot name it any more
     */
    public Pidfd peerPidfd() throws LinuxException {
        int pid = peerCredentials().pid();
        MemorySegment value = arena.allocate(JAVA_INT);
        MemorySegment len = arena.allocate(JAVA_INT);
        len.set(JAVA_INT, 0, 4);
        if (fd.call(d -> Native.getsockopt(errno, d, Sockets.SOL_SOCKET, Sockets.SO_PEERPIDFD, value, len)) < 0) {
            throw new LinuxException("getsockopt(SO_PEERPIDFD)", Native.errno(errno));
        }
        return new Pidfd(value.get(JAVA_INT, 0), pid);
    }

    /**
     * Reads what is there, waiting at most {@code timeoutMillis} for something to arrive.
     * @return bytes read; 0 when the peer closed its end; -1 when nothing came in time
     */
    public int read(byte[] into, int offset, int length, int timeoutMillis) throws LinuxException {
        if (fd.call(d -> readable.await(errno, timeoutMillis) ? 1 : 0) == 0) {
            return -1;
        }
        long n = fd.call(d -> Native.read(errno, d, buffer, Math.min(length, BUFFER)));
        if (n < 0) {
            int e = Native.errno(errno);
            if (e == Errno.EAGAIN || e == Errno.EINTR) {
                return -1;
            }
            throw new LinuxException("read(AF_UNIX)", e);
        }
        MemorySegment.copy(buffer, JAVA_BYTE, 0, into, offset, (int) n);
        return (int) n;
    }

    /**
     * Sends what the socket takes now, without waiting (a connection from {@link UnixServerSocket#acceptNow}).
     * @return bytes sent; 0 when the socket's buffer is full
     * @throws LinuxException e.g. EPIPE when the peer has gone
     */
    public int send(byte[] bytes, int offset, int length) throws LinuxException {
        int chunk = Math.min(BUFFER, length);
        MemorySegment.copy(bytes, offset, buffer, JAVA_BYTE, 0, chunk);
        long n = fd.call(d -> Native.sendto(errno, d, buffer, chunk, Sockets.MSG_NOSIGNAL | Sockets.MSG_DONTWAIT,
                MemorySegment.NULL, 0));
        if (n < 0) {
            int e = Native.errno(errno);
            if (e == Errno.EAGAIN || e == Errno.EINTR) {
                return 0;
            }
            throw new LinuxException("send(AF_UNIX)", e);
        }
        return (int) n;
    }

    /** Writes all of {@code bytes}; a peer that stops reading for {@code timeoutMillis} gets cut off (EAGAIN). */
    public void write(byte[] bytes, int timeoutMillis) throws LinuxException {
        MemorySegment timeval = arena.allocate(16, 8); // struct timeval { time_t tv_sec; suseconds_t tv_usec; }
        timeval.set(JAVA_LONG, 0, timeoutMillis / 1000);
        timeval.set(JAVA_LONG, 8, (timeoutMillis % 1000) * 1000L);
        fd.call(d -> Native.setsockopt(errno, d, Sockets.SOL_SOCKET, Sockets.SO_SNDTIMEO, timeval, 16));
        int done = 0;
        while (done < bytes.length) {
            int chunk = Math.min(BUFFER, bytes.length - done);
            MemorySegment.copy(bytes, done, buffer, JAVA_BYTE, 0, chunk);
            // send(MSG_NOSIGNAL), not write: a peer that went away must not raise SIGPIPE in the JVM.
            long n = fd.call(d -> Native.sendto(errno, d, buffer, chunk, Sockets.MSG_NOSIGNAL, MemorySegment.NULL, 0));
            if (n < 0) {
                int e = Native.errno(errno);
                if (e == Errno.EINTR) {
                    continue;
                }
                throw new LinuxException("send(AF_UNIX)", e);
            }
            done += (int) n;
        }
    }

    @Override
    public void close() {
        if (!fd.isClosed()) {
            fd.close();
            arena.close();
        }
    }
}
