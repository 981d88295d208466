package io.upcall.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One open file descriptor, owned: every class that holds one (netlink and Unix sockets, pidfds) holds it through
 * this, so that all of them close the same way. {@link #close()} closes it once, from any thread; it waits for
 * calls under way ({@link #call}), and a call after it fails with {@code EBADF} instead of reaching a number the
 * process may have reused for another file by then.
 */
final class FileDescriptor implements AutoCloseable {
    /** A system call on the descriptor's number. */
    @FunctionalInterface
    interface Call {
        long on(int fd) throws LinuxException;
    }

    private final int fd;
    private final String name;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    /** @param name what it is, for errors: {@code NETLINK_CONNECTOR}, {@code pidfd 1234} */
    FileDescriptor(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Runs {@code call} with the number, unless closed; close waits for it. */
    long call(Call call) throws LinuxException {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new LinuxException(name + " used after close", Errno.EBADF);
            }
            return call.on(fd);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The number, for a poll set owned by the thread that also closes (it cannot race with {@link #close()}). */
    int number() {
        return fd;
    }

    boolean isClosed() {
        lock.readLock().lock();
        try {
            return closed;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Closes it, once; later calls fail with EBADF. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                try (Arena call = Arena.ofConfined()) {
                    MemorySegment errno = Native.allocateErrno(call);
                    Native.close(errno, fd);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
