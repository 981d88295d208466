package io.upcall.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.OptionalInt;

/**
 * {@code ioctl(pidfd, PIDFD_GET_INFO, &info)} (Linux 6.13+), from {@code <linux/pidfd.h>}:
 * <pre>{@code
 * struct pidfd_info {
 *     __u64 mask;       // in: the fields asked for; out: those the kernel filled
 *     __u64 cgroupid;
 *     __u32 pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
 *     __s32 exit_code;  // PIDFD_INFO_EXIT (6.15+): the status as waitpid(2) reports it, once the process is reaped
 * };                    // PIDFD_INFO_SIZE_VER0 = 64; later kernels append fields and accept this size
 * }</pre>
 */
final class PidfdInfo {
    /** {@code _IOWR(PIDFS_IOCTL_MAGIC = 0xFF, 11, struct pidfd_info)} with the 64-byte first version. */
    static final long PIDFD_GET_INFO = (3L << 30) | (64L << 16) | (0xFFL << 8) | 11;
    static final long PIDFD_INFO_PID = 1L;
    static final long PIDFD_INFO_CREDS = 1L << 1;
    static final long PIDFD_INFO_EXIT = 1L << 3;
    static final int SIZE_VER0 = 64;
    static final int MASK = 0;
    static final int PID = 16;
    static final int PPID = 24;
    static final int RUID = 28;
    static final int EUID = 36;
    static final int EXIT_CODE = 60;

    private PidfdInfo() {}

    /** The reaped process's wait status; empty while it runs or is unreaped, and on kernels without the ioctl (ENOTTY). */
    static OptionalInt exitCode(MemorySegment errno, int pidfd) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment info = call.allocate(SIZE_VER0, 8);
            info.set(JAVA_LONG, MASK, PIDFD_INFO_EXIT);
            if (Native.ioctl(errno, pidfd, PIDFD_GET_INFO, info) != 0
                    || (info.get(JAVA_LONG, MASK) & PIDFD_INFO_EXIT) == 0) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(info.get(JAVA_INT, EXIT_CODE));
        }
    }

    /**
     * Who the process is: pid, parent and uids while it has not been reaped; only the exit status once it has
     * (Linux 6.15+ keeps that); empty when the kernel has no {@code PIDFD_GET_INFO} (before 6.13) or says nothing.
     */
    static java.util.Optional<Pidfd.Info> read(MemorySegment errno, int pidfd) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment info = call.allocate(SIZE_VER0, 8);
            info.set(JAVA_LONG, MASK, PIDFD_INFO_PID | PIDFD_INFO_CREDS | PIDFD_INFO_EXIT);
            if (Native.ioctl(errno, pidfd, PIDFD_GET_INFO, info) != 0) {
                return java.util.Optional.empty();
            }
            long mask = info.get(JAVA_LONG, MASK);
            boolean alive = (mask & PIDFD_INFO_PID) != 0;
            boolean exited = (mask & PIDFD_INFO_EXIT) != 0;
            return java.util.Optional.of(new Pidfd.Info(alive ? info.get(JAVA_INT, PID) : -1,
                    alive ? info.get(JAVA_INT, PPID) : -1, (mask & PIDFD_INFO_CREDS) != 0 ? info.get(JAVA_INT, RUID) : -1,
                    (mask & PIDFD_INFO_CREDS) != 0 ? info.get(JAVA_INT, EUID) : -1, !alive || exited,
                    exited ? info.get(JAVA_INT, EXIT_CODE) : -1));
        }
    }
}
