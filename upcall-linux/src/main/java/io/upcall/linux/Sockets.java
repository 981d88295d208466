package io.upcall.linux;

/** Socket constants from {@code <sys/socket.h>}, {@code <sys/un.h>}, {@code <linux/netlink.h>} and {@code <poll.h>} (x86-64, arm64). */
public final class Sockets {
    public static final int AF_UNIX = 1;
    public static final int AF_NETLINK = 16;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOCK_NONBLOCK = 0x800;

    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVBUF = 8;
    public static final int SO_PASSCRED = 16;
    public static final int SO_PEERCRED = 17;
    /** Linux 6.5+: a pidfd for the process that connected, taken when it connected ({@code <asm-generic/socket.h>}). */
    public static final int SO_PEERPIDFD = 77;
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_SNDTIMEO = 21;
    public static final int SO_RCVBUFFORCE = 33;

    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_ADD_MEMBERSHIP = 1;
    public static final int NETLINK_DROP_MEMBERSHIP = 2;
    public static final int NETLINK_NO_ENOBUFS = 5;

    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_WAITFORONE = 0x10000;

    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;

    private Sockets() {}
}
