package io.upcall.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.OptionalInt;

/**
 * A process file descriptor ({@code pidfd_open(2)}): it names one process for as long as it is open, so a
 * signal sent through it never reaches a later process that was given the same pid.
 *
 * <p>{@link #queueSignal} and {@link #close} may be called from different threads: both are synchronized, so a
 * signal is never sent through an fd number that was closed and reused.
 */
public final class Pidfd implements AutoCloseable {
    /** {@code SI_QUEUE} from {@code <asm-generic/siginfo.h>}: the code {@code sigqueue(3)} sends. */
    static final int SI_QUEUE = -1;
    /**
     * {@code siginfo_t} is 128 bytes. On 64-bit Linux: {@code int si_signo; int si_errno; int si_code;} then,
     * 8-aligned at offset 16, the union; its {@code _rt} member is {@code pid_t si_pid; uid_t si_uid; sigval_t si_value;}.
     */
    static final int SIGINFO_SIZE = 128;
    static final int SI_SIGNO = 0;
    static final int SI_CODE = 8;
    static final int SI_PID = 16;
    static final int SI_UID = 20;
    static final int SI_VALUE = 24;

    private static final int SENDER_PID = Native.getpid();
    private static final int SENDER_UID = Native.getuid();

    private final FileDescriptor fd;
    private final int pid;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = Native.allocateErrno(arena);
    private final MemorySegment siginfo = arena.allocate(SIGINFO_SIZE, 8);
    private final PollIn exited;

    /** Takes ownership of {@code fd}, a pidfd for process {@code pid}. */
    Pidfd(int fd, int pid) {
        this.fd = new FileDescriptor(fd, "pidfd " + pid);
        this.pid = pid;
        this.exited = new PollIn(arena, fd, "poll(pidfd " + pid + ")");
    }

    /**
     * Opens a pidfd for process {@code pid} (a thread-group leader).
     * @throws LinuxException ESRCH when there is no such process, EINVAL for a thread that is not a leader
     */
    public static Pidfd open(int pid) throws LinuxException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            int fd = Native.pidfdOpen(errno, pid, 0);
            if (fd < 0) {
                throw new LinuxException("pidfd_open(" + pid + ")", Native.errno(errno));
            }
            return new Pidfd(fd, pid);
        }
    }

    /**
     * Takes ownership of a pidfd the kernel handed this process (a fanotify event's {@code FAN_EVENT_INFO_TYPE_PIDFD}).
     * @param pid the process it is believed to be for (for messages)
     */
    public static Pidfd adopt(int fd, int pid) {
        return new Pidfd(fd, pid);
    }

    /**
     * What {@code PIDFD_GET_INFO} tells of the process.
     *
     * @param pid      its pid in this namespace, -1 once reaped
     * @param ppid     its parent's, -1 once reaped
     * @param ruid     real uid, -1 once reaped
     * @param euid     effective uid, -1 once reaped
     * @param exited   true once it has exited (or been reaped)
     * @param exitCode the wait status once reaped and the kernel kept it (6.15+), else -1
     */
    public record Info(int pid, int ppid, int ruid, int euid, boolean exited, int exitCode) {}

    /**
     * {@code PIDFD_GET_INFO} on a pidfd this process owns without wrapping it (a fanotify event's), then a poll to
     * tell a zombie from a live process: no arena shared between threads (whose close would stop every thread), so it
     * costs three system calls. Empty on kernels before 6.13 or for a number that is no pidfd.
     */
    public static java.util.Optional<Info> infoOf(int pidfd) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            java.util.Optional<Info> info = PidfdInfo.read(errno, pidfd);
            if (info.isPresent() && !info.get().exited() && new PollIn(call, pidfd, "poll(pidfd)").await(errno, 0)) {
                Info i = info.get();
                return java.util.Optional.of(new Info(i.pid(), i.ppid(), i.ruid(), i.euid(), true, i.exitCode()));
            }
            return info;
        } catch (LinuxException e) {
            return java.util.Optional.empty();
        }
    }

    /** Closes a pidfd this process owns without wrapping it. */
    public static void closeRaw(int pidfd) {
        if (pidfd >= 0) {
            try (Arena call = Arena.ofConfined()) {
                Native.close(Native.allocateErrno(call), pidfd);
            }
        }
    }

    /** {@code PIDFD_GET_INFO}; empty on kernels before 6.13 and after {@link #close}. */
    public synchronized java.util.Optional<Info> info() {
        if (fd.isClosed()) {
            return java.util.Optional.empty();
        }
        try {
            java.util.Optional<Info>[] out = new java.util.Optional[1];
            fd.call(d -> {
                out[0] = PidfdInfo.read(errno, d);
                return 0;
            });
            java.util.Optional<Info> info = out[0];
            if (info.isPresent() && !info.get().exited() && hasExitedNow()) {
                Info i = info.get(); // a zombie: creds still readable, but it has exited
                return java.util.Optional.of(new Info(i.pid(), i.ppid(), i.ruid(), i.euid(), true, i.exitCode()));
            }
            return info;
        } catch (LinuxException e) {
            return java.util.Optional.empty();
        }
    }

    private boolean hasExitedNow() throws LinuxException {
        return fd.call(d -> exited.await(errno, 0) ? 1 : 0) == 1;
    }

    public int pid() {
        return pid;
    }

    /**
     * Queues {@code signal} with {@code value} as {@code si_value.sival_int}, as {@code sigqueue(3)} would
     * ({@code si_code = SI_QUEUE}, this process's pid and uid as sender), through {@code pidfd_send_signal(2)}.
     *
     * @return 0 when queued, otherwise the errno: {@link Errno#EAGAIN} when the receiver's queue of pending
     *         signals is full, {@link Errno#ESRCH} when the process has exited, {@link Errno#EPERM} when not allowed,
     *         {@link Errno#EBADF} after {@link #close}
     */
    public synchronized int queueSignal(int signal, int value) {
        if (fd.isClosed()) {
            return Errno.EBADF;
        }
        siginfo.fill((byte) 0);
        siginfo.set(JAVA_INT, SI_SIGNO, signal);
        siginfo.set(JAVA_INT, SI_CODE, SI_QUEUE);
        siginfo.set(JAVA_INT, SI_PID, SENDER_PID);
        siginfo.set(JAVA_INT, SI_UID, SENDER_UID);
        siginfo.set(JAVA_INT, SI_VALUE, value);
        try {
            return fd.call(d -> Native.pidfdSendSignal(errno, d, signal, siginfo, 0)) == 0 ? 0 : Native.errno(errno);
        } catch (LinuxException e) {
            return e.errno(); // closed meanwhile: EBADF
        }
    }

    /** True once the process has exited (a pidfd polls readable then), or after {@link #close}. */
    public synchronized boolean hasExited() {
        if (fd.isClosed()) {
            return true;
        }
        try {
            return fd.call(d -> exited.await(errno, 0) ? 1 : 0) == 1;
        } catch (LinuxException e) {
            return false; // cannot tell: it stays registered until its exit event or ESRCH says otherwise
        }
    }

    /**
     * How the process ended, as {@code waitpid(2)} reports it ({@code WIFSIGNALED}, {@code WTERMSIG}, ...), once its
     * parent has reaped it: {@code PIDFD_GET_INFO} with {@code PIDFD_INFO_EXIT}, Linux 6.15+. {@link Process#exitValue()}
     * cannot tell {@code exit(143)} from death by SIGTERM; this can. Empty while the process runs or is unreaped, on
     * older kernels, and after {@link #close}.
     */
    public synchronized OptionalInt waitStatus() {
        try {
            // A wait status is never negative: -1 stands for none.
            long status = fd.call(d -> PidfdInfo.exitCode(errno, d).orElse(-1));
            return status < 0 ? OptionalInt.empty() : OptionalInt.of((int) status);
        } catch (LinuxException e) {
            return OptionalInt.empty(); // closed
        }
    }

    @Override
    public synchronized void close() {
        if (!fd.isClosed()) {
            fd.close();
            arena.close();
        }
    }
}
