package io.upcall.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Every libc function Upcall calls, as FFM downcall handles (the jextract idiom, written by hand).
 * Each handle that can fail captures {@code errno} into a caller-supplied segment from
 * {@link #allocateErrno}, so the value is read before anything else in the JVM can touch it.
 * The methods return what libc returns; callers turn -1 into a {@link LinuxException} themselves.
 */
final class Native {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = errnoHandle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = errnoHandle("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = errnoHandle("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT =
            errnoHandle("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT =
            errnoHandle("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SENDTO =
            errnoHandle("sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = errnoHandle("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMMSG =
            errnoHandle("recvmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle POLL = errnoHandle("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = errnoHandle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle LISTEN = errnoHandle("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 =
            errnoHandle("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle READ = errnoHandle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    /** {@code int openat(int dirfd, const char *path, int flags, ...)}: never given a mode here (no O_CREAT). */
    private static final MethodHandle OPENAT = errnoHandle("openat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle NAME_TO_HANDLE_AT =
            errnoHandle("name_to_handle_at", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle OPEN_BY_HANDLE_AT =
            errnoHandle("open_by_handle_at", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FSTATFS = errnoHandle("fstatfs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle WRITE = errnoHandle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle READLINK =
            errnoHandle("readlink", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle FANOTIFY_INIT = errnoHandle("fanotify_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    /** {@code int fanotify_mark(int fd, unsigned int flags, uint64_t mask, int dirfd, const char *pathname)}. */
    private static final MethodHandle FANOTIFY_MARK =
            errnoHandle("fanotify_mark", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS));
    /** {@code int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param)}. */
    private static final MethodHandle SCHED_SETSCHEDULER =
            errnoHandle("sched_setscheduler", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    /** glibc 2.36+ wrappers; the kernel has had both since 5.3 (pidfd_open) and 5.1 (pidfd_send_signal). */
    private static final MethodHandle PIDFD_OPEN = errnoHandle("pidfd_open", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle PIDFD_SEND_SIGNAL =
            errnoHandle("pidfd_send_signal", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    /** {@code int ioctl(int fd, unsigned long op, ...)}: variadic, always called here with one pointer. */
    private static final MethodHandle IOCTL = LINKER.downcallHandle(LIBC.findOrThrow("ioctl"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2), CAPTURE_ERRNO);
    private static final MethodHandle GETPID =
            LINKER.downcallHandle(LIBC.findOrThrow("getpid"), FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETUID =
            LINKER.downcallHandle(LIBC.findOrThrow("getuid"), FunctionDescriptor.of(JAVA_INT));

    private Native() {}

    private static MethodHandle errnoHandle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor, CAPTURE_ERRNO);
    }

    /** A segment to receive {@code errno}: one per calling thread or per call. */
    static MemorySegment allocateErrno(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static int socket(MemorySegment errno, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(errno, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int bind(MemorySegment errno, int fd, MemorySegment addr, int addrLen) {
        try {
            return (int) BIND.invokeExact(errno, fd, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getsockname(MemorySegment errno, int fd, MemorySegment addr, MemorySegment addrLen) {
        try {
            return (int) GETSOCKNAME.invokeExact(errno, fd, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setsockopt(MemorySegment errno, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SETSOCKOPT.invokeExact(errno, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getsockopt(MemorySegment errno, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) GETSOCKOPT.invokeExact(errno, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long sendto(MemorySegment errno, int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        try {
            return (long) SENDTO.invokeExact(errno, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long recvmsg(MemorySegment errno, int fd, MemorySegment msghdr, int flags) {
        try {
            return (long) RECVMSG.invokeExact(errno, fd, msghdr, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int recvmmsg(MemorySegment errno, int fd, MemorySegment msgvec, int vlen, int flags, MemorySegment timeout) {
        try {
            return (int) RECVMMSG.invokeExact(errno, fd, msgvec, vlen, flags, timeout);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int poll(MemorySegment errno, MemorySegment fds, long nfds, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(errno, fds, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(MemorySegment errno, int fd) {
        try {
            return (int) CLOSE.invokeExact(errno, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int listen(MemorySegment errno, int fd, int backlog) {
        try {
            return (int) LISTEN.invokeExact(errno, fd, backlog);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int accept4(MemorySegment errno, int fd, MemorySegment addr, MemorySegment addrLen, int flags) {
        try {
            return (int) ACCEPT4.invokeExact(errno, fd, addr, addrLen, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long read(MemorySegment errno, int fd, MemorySegment buf, long count) {
        try {
            return (long) READ.invokeExact(errno, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int openat(MemorySegment errno, int dirfd, MemorySegment path, int flags) {
        try {
            return (int) OPENAT.invokeExact(errno, dirfd, path, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int nameToHandleAt(MemorySegment errno, int dirfd, MemorySegment path, MemorySegment handle, MemorySegment mountId,
            int flags) {
        try {
            return (int) NAME_TO_HANDLE_AT.invokeExact(errno, dirfd, path, handle, mountId, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int openByHandleAt(MemorySegment errno, int mountFd, MemorySegment handle, int flags) {
        try {
            return (int) OPEN_BY_HANDLE_AT.invokeExact(errno, mountFd, handle, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int fstatfs(MemorySegment errno, int fd, MemorySegment buf) {
        try {
            return (int) FSTATFS.invokeExact(errno, fd, buf);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long write(MemorySegment errno, int fd, MemorySegment buf, long count) {
        try {
            return (long) WRITE.invokeExact(errno, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long readlink(MemorySegment errno, MemorySegment path, MemorySegment buf, long size) {
        try {
            return (long) READLINK.invokeExact(errno, path, buf, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int fanotifyInit(MemorySegment errno, int flags, int eventFFlags) {
        try {
            return (int) FANOTIFY_INIT.invokeExact(errno, flags, eventFFlags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int fanotifyMark(MemorySegment errno, int fd, int flags, long mask, int dirfd, MemorySegment path) {
        try {
            return (int) FANOTIFY_MARK.invokeExact(errno, fd, flags, mask, dirfd, path);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int schedSetscheduler(MemorySegment errno, int pid, int policy, MemorySegment param) {
        try {
            return (int) SCHED_SETSCHEDULER.invokeExact(errno, pid, policy, param);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int pidfdOpen(MemorySegment errno, int pid, int flags) {
        try {
            return (int) PIDFD_OPEN.invokeExact(errno, pid, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int pidfdSendSignal(MemorySegment errno, int pidfd, int signal, MemorySegment siginfo, int flags) {
        try {
            return (int) PIDFD_SEND_SIGNAL.invokeExact(errno, pidfd, signal, siginfo, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int ioctl(MemorySegment errno, int fd, long op, MemorySegment arg) {
        try {
            return (int) IOCTL.invokeExact(errno, fd, op, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getuid() {
        try {
            return (int) GETUID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Downcalls throw nothing checked; anything here is a JVM-level failure, passed on unchanged. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
