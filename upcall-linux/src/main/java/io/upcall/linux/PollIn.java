package io.upcall.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Waiting for one fd to become readable: {@code struct pollfd { int fd; short events; short revents; }} with
 * {@code events = POLLIN}, and {@code poll(2)} on it, where a signal's interruption counts as "not yet".
 */
final class PollIn {
    private final MemorySegment pollfd;
    private final String call;

    /** @param call how a failure names the call, e.g. {@code "poll(AF_UNIX)"} */
    PollIn(Arena arena, int fd, String call) {
        this.pollfd = arena.allocate(8, 4);
        this.call = call;
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, Sockets.POLLIN);
    }

    /**
     * @param errno the caller's errno capture segment
     * @return true when readable; false when {@code timeoutMillis} passed or a signal interrupted the wait
     * @throws LinuxException any other failure
     */
    boolean await(MemorySegment errno, int timeoutMillis) throws LinuxException {
        int n = Native.poll(errno, pollfd, 1, timeoutMillis);
        if (n < 0) {
            int e = Native.errno(errno);
            if (e == Errno.EINTR) {
                return false;
            }
            throw new LinuxException(call, e);
        }
        return n > 0;
    }
}
