package io.upcall.linux;

/**
 * The errno values Upcall meets, with their symbolic names and the usual glibc message.
 * Numbers are the x86-64/arm64 generic ones from {@code asm-generic/errno-base.h} and {@code errno.h}.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int ENOTSOCK = 88;
    public static final int EMSGSIZE = 90;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int ENOBUFS = 105;
    public static final int ECONNREFUSED = 111;
    public static final int ESTALE = 116;

    private static final String[][] TABLE = new String[128][];

    static {
        name(EPERM, "EPERM", "Operation not permitted");
        name(ENOENT, "ENOENT", "No such file or directory");
        name(ESRCH, "ESRCH", "No such process");
        name(EINTR, "EINTR", "Interrupted system call");
        name(EIO, "EIO", "Input/output error");
        name(EBADF, "EBADF", "Bad file descriptor");
        name(EAGAIN, "EAGAIN", "Resource temporarily unavailable");
        name(ENOMEM, "ENOMEM", "Cannot allocate memory");
        name(EACCES, "EACCES", "Permission denied");
        name(EFAULT, "EFAULT", "Bad address");
        name(EBUSY, "EBUSY", "Device or resource busy");
        name(EEXIST, "EEXIST", "File exists");
        name(EXDEV, "EXDEV", "Invalid cross-device link");
        name(ENODEV, "ENODEV", "No such device");
        name(ENOTDIR, "ENOTDIR", "Not a directory");
        name(EINVAL, "EINVAL", "Invalid argument");
        name(ENFILE, "ENFILE", "Too many open files in system");
        name(EMFILE, "EMFILE", "Too many open files");
        name(ENOSPC, "ENOSPC", "No space left on device");
        name(EPIPE, "EPIPE", "Broken pipe");
        name(ENOSYS, "ENOSYS", "Function not implemented");
        name(ENOTSOCK, "ENOTSOCK", "Socket operation on non-socket");
        name(EMSGSIZE, "EMSGSIZE", "Message too long");
        name(ENOPROTOOPT, "ENOPROTOOPT", "Protocol not available");
        name(EPROTONOSUPPORT, "EPROTONOSUPPORT", "Protocol not supported");
        name(EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported");
        name(EAFNOSUPPORT, "EAFNOSUPPORT", "Address family not supported by protocol");
        name(EADDRINUSE, "EADDRINUSE", "Address already in use");
        name(ENOBUFS, "ENOBUFS", "No buffer space available");
        name(ECONNREFUSED, "ECONNREFUSED", "Connection refused");
        name(ESTALE, "ESTALE", "Stale file handle");
    }

    private Errno() {}

    private static void name(int errno, String name, String message) {
        TABLE[errno] = new String[] {name, message};
    }

    /** The symbolic name, e.g. {@code "EPERM"}, or {@code "errno 123"} for one this table lacks. */
    public static String name(int errno) {
        String[] entry = errno >= 0 && errno < TABLE.length ? TABLE[errno] : null;
        return entry != null ? entry[0] : "errno " + errno;
    }

    /** The glibc message, e.g. {@code "Operation not permitted"}, or {@code "Unknown error N"}. */
    public static String message(int errno) {
        String[] entry = errno >= 0 && errno < TABLE.length ? TABLE[errno] : null;
        return entry != null ? entry[1] : "Unknown error " + errno;
    }
}
