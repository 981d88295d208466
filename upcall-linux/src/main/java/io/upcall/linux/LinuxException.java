package io.upcall.linux;

import java.io.IOException;

/**
 * A failed system call, keeping the call (with what it was about) and the errno, so that the
 * message says exactly what the kernel refused: {@code bind(NETLINK_AUDIT) failed: EPERM (Operation not permitted)}.
 */
public class LinuxException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String syscall;
    private final int errno;

    public LinuxException(String syscall, int errno) {
        super(syscall + " failed: " + Errno.name(errno) + " (" + Errno.message(errno) + ")");
        this.syscall = syscall;
        this.errno = errno;
    }

    /** The call that failed, with its subject, e.g. {@code "bind(NETLINK_CONNECTOR)"}. */
    public String syscall() {
        return syscall;
    }

    /** The errno the call left. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, e.g. {@code "EPERM"}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** True when the kernel refused for lack of privilege (EPERM or EACCES). */
    public boolean isPermissionDenied() {
        return errno == Errno.EPERM || errno == Errno.EACCES;
    }
}
