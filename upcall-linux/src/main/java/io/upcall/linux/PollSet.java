package io.upcall.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One {@code poll(2)} over many sockets, so that one thread can serve many connections without any of them
 * holding it: an array of {@code struct pollfd { int fd; short events; short revents; }}, refilled each round
 * ({@link #clear}, then {@code add}) by the one thread that owns it.
 */
public final class PollSet implements AutoCloseable {
    private static final int POLLFD_SIZE = 8;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment errno = Native.allocateErrno(arena);
    private MemorySegment fds;
    private int capacity;
    private int size;
    private boolean closed;

    public PollSet(int initialCapacity) {
        capacity = Math.max(1, initialCapacity);
        fds = arena.allocate((long) capacity * POLLFD_SIZE, 4);
    }

    /** Forgets every fd added; the indexes {@code add} returns start again at 0. */
    public void clear() {
        size = 0;
    }

    /** Waits for a connection to accept on {@code socket}. @return its index */
    public int add(UnixServerSocket socket) {
        return add(socket.fd(), Sockets.POLLIN);
    }

    /**
     * Waits for {@code connection} to become readable (or, with {@code write}, writable); a closed or failed
     * peer makes it ready either way. @return its index
     */
    public int add(UnixConnection connection, boolean write) {
        return add(connection.fd(), write ? Sockets.POLLOUT : Sockets.POLLIN);
    }

    private int add(int fd, short events) {
        if (size == capacity) {
            MemorySegment bigger = arena.allocate((long) capacity * 2 * POLLFD_SIZE, 4);
            MemorySegment.copy(fds, 0, bigger, 0, (long) size * POLLFD_SIZE);
            fds = bigger;
            capacity *= 2;
        }
        long at = (long) size * POLLFD_SIZE;
        fds.set(JAVA_INT, at, fd);
        fds.set(JAVA_SHORT, at + 4, events);
        fds.set(JAVA_SHORT, at + 6, (short) 0);
        return size++;
    }

    /**
     * Waits up to {@code timeoutMillis} for any fd added to be ready.
     * @return how many are ready; 0 when none in time or a signal interrupted the wait
     */
    public int poll(int timeoutMillis) throws LinuxException {
        int n = Native.poll(errno, fds, size, timeoutMillis);
        if (n < 0) {
            int e = Native.errno(errno);
            if (e == Errno.EINTR) {
                return 0;
            }
            throw new LinuxException("poll(" + size + " fds)", e);
        }
        return n;
    }

    /** Whether the fd at {@code index} is ready: what it waits for, or an error or hang-up. */
    public boolean ready(int index) {
        return fds.get(JAVA_SHORT, (long) index * POLLFD_SIZE + 6) != 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
