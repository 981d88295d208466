package io.upcall.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The calling thread's scheduling policy ({@code sched_setscheduler(2)} with pid 0, which on Linux names the calling
 * thread, not the process): for a thread that must run on time whatever else the machine does, such as the
 * permission guard's watchdog.
 */
public final class Scheduling {
    /** {@code SCHED_FIFO} from {@code <sched.h>}. */
    public static final int SCHED_FIFO = 1;

    private Scheduling() {}

    /**
     * Makes the calling thread {@code SCHED_FIFO} at {@code priority} (1 is the lowest real-time priority: above
     * every ordinary thread, below the kernel's own). The thread must sleep most of the time: a real-time thread that
     * spins takes its CPU from everything else (up to the kernel's real-time throttle).
     *
     * @return 0, or the errno: EPERM without CAP_SYS_NICE (or in a cgroup that has no real-time budget), EINVAL
     */
    public static int realtime(int priority) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            MemorySegment param = call.allocate(JAVA_INT); // struct sched_param { int sched_priority; }
            param.set(JAVA_INT, 0, priority);
            return Native.schedSetscheduler(errno, 0, SCHED_FIFO, param) == 0 ? 0 : Native.errno(errno);
        }
    }
}
