package io.upcall.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A netlink socket ({@code socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, family)}) that knows its family
 * and groups. Receiving fills a {@link ReceiveBatch}, which reports each message's sender, so callers
 * can believe only the kernel ({@code nl_pid == 0}).
 *
 * <p>Setup calls may come from any thread; {@link #receive} and {@link #poll} belong to one reading
 * thread, which should also be the one that calls {@link #close()} (closing an fd does not wake a
 * thread blocked on it). {@code close()} is idempotent.
 */
public final class NetlinkSocket implements AutoCloseable {
    public static final int NETLINK_ROUTE = 0;
    public static final int NETLINK_AUDIT = 9;
    public static final int NETLINK_CONNECTOR = 11;
    public static final int NETLINK_KOBJECT_UEVENT = 15;
    public static final int NETLINK_GENERIC = 16;

    /** What {@link #receive} returns when the kernel dropped messages for lack of buffer (ENOBUFS). */
    public static final int OVERFLOW = -1;

    private final FileDescriptor fd;
    private final int family;
    private final Arena arena = Arena.ofShared();
    /** errno capture for the reading thread's calls; setup calls allocate their own. */
    private final MemorySegment readErrno = Native.allocateErrno(arena);
    private final PollIn readable;
    private int groups;

    private NetlinkSocket(int fd, int family) {
        this.fd = new FileDescriptor(fd, familyName(family));
        this.family = family;
        this.readable = new PollIn(arena, fd, "poll(" + familyName(family) + ")");
    }

    /** Opens a netlink socket of {@code family} (e.g. {@link #NETLINK_CONNECTOR}). */
    public static NetlinkSocket open(int family) throws LinuxException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            int fd = Native.socket(errno, Sockets.AF_NETLINK, Sockets.SOCK_RAW | Sockets.SOCK_CLOEXEC, family);
            if (fd < 0) {
                throw new LinuxException("socket(" + familyName(family) + ")", Native.errno(errno));
            }
            return new NetlinkSocket(fd, family);
        }
    }

    /** The kernel's name for a netlink family number, e.g. {@code "NETLINK_CONNECTOR"}. */
    public static String familyName(int family) {
        return switch (family) {
            case NETLINK_ROUTE -> "NETLINK_ROUTE";
            case NETLINK_AUDIT -> "NETLINK_AUDIT";
            case NETLINK_CONNECTOR -> "NETLINK_CONNECTOR";
            case NETLINK_KOBJECT_UEVENT -> "NETLINK_KOBJECT_UEVENT";
            case NETLINK_GENERIC -> "NETLINK_GENERIC";
            default -> "netlink family " + family;
        };
    }

    /** The process id of the calling process ({@code getpid(2)}). */
    public static int getpid() {
        return Native.getpid();
    }

    public int family() {
        return family;
    }

    /** The multicast groups mask given to {@link #bind} (groups joined with {@link #addMembership} are not in it). */
    public int groups() {
        return groups;
    }

    /** Binds with a kernel-chosen port id and joins the groups in {@code groupsMask} (bit n-1 = group n). */
    public void bind(int groupsMask) throws LinuxException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            MemorySegment addr = sockaddr(call, 0, groupsMask);
            if (fd.call(d -> Native.bind(errno, d, addr, (int) addr.byteSize())) < 0) {
                throw fail("bind", Native.errno(errno));
            }
            this.groups = groupsMask;
        }
    }

    /** The port id the kernel gave this socket ({@code nl_pid} from {@code getsockname}). */
    public int portId() throws LinuxException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            MemorySegment addr = sockaddr(call, 0, 0);
            MemorySegment len = call.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, (int) addr.byteSize());
            if (fd.call(d -> Native.getsockname(errno, d, addr, len)) < 0) {
                throw fail("getsockname", Native.errno(errno));
            }
            return addr.get(JAVA_INT, 4);
        }
    }

    /** Joins multicast group {@code group} (a group number, not a mask; needed for groups above 32). */
    public void addMembership(int group) throws LinuxException {
        setIntOption(Sockets.SOL_NETLINK, Sockets.NETLINK_ADD_MEMBERSHIP, group, "setsockopt(NETLINK_ADD_MEMBERSHIP)");
    }

    /**
     * Leaves the multicast groups {@link #bind} joined: the kernel sends
     * it nothing more, and what it had queued stays readable.
     */
    public void leaveGroups() throws LinuxException {
        for (int group = 1; group <= 32; group++) {
            if ((groups & (1 << (group - 1))) != 0) {
                setIntOption(Sockets.SOL_NETLINK, Sockets.NETLINK_DROP_MEMBERSHIP, group, "setsockopt(NETLINK_DROP_MEMBERSHIP)");
            }
        }
    }

    /** Asks the kernel to attach {@code SCM_CREDENTIALS} to every message received. */
    public void setPassCredentials(boolean on) throws LinuxException {
        setIntOption(Sockets.SOL_SOCKET, Sockets.SO_PASSCRED, on ? 1 : 0, "setsockopt(SO_PASSCRED)");
    }

    /**
     * Sets the receive buffer with {@code SO_RCVBUFFORCE} (needs CAP_NET_ADMIN, ignores {@code rmem_max}).
     * @throws LinuxException EPERM without the capability
     */
    public void setReceiveBufferForce(int bytes) throws LinuxException {
        setIntOption(Sockets.SOL_SOCKET, Sockets.SO_RCVBUFFORCE, bytes, "setsockopt(SO_RCVBUFFORCE)");
    }

    /**
     * Bounds how long a blocking {@link #receive(ReceiveBatch, boolean)} waits ({@code SO_RCVTIMEO}), so a
     * reading thread regularly gets the chance to see that it should stop.
     */
    public void setReceiveTimeout(int millis) throws LinuxException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            MemorySegment timeval = call.allocate(16, 8); // struct timeval { time_t tv_sec; suseconds_t tv_usec; }
            timeval.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, millis / 1000);
            timeval.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, (millis % 1000) * 1000L);
            if (fd.call(d -> Native.setsockopt(errno, d, Sockets.SOL_SOCKET, Sockets.SO_RCVTIMEO, timeval, 16)) < 0) {
                throw fail("setsockopt(SO_RCVTIMEO)", Native.errno(errno));
            }
        }
    }

    /** Sets the receive buffer with {@code SO_RCVBUF}; the kernel caps it at {@code net.core.rmem_max}. */
    public void setReceiveBuffer(int bytes) throws LinuxException {
        setIntOption(Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, bytes, "setsockopt(SO_RCVBUF)");
    }

    /** The receive buffer the kernel granted, as {@code getsockopt(SO_RCVBUF)} reports it (the doubled value). */
    public int receiveBuffer() throws LinuxException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            MemorySegment value = call.allocate(JAVA_INT);
            MemorySegment len = call.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 4);
            if (fd.call(d -> Native.getsockopt(errno, d, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, value, len)) < 0) {
                throw fail("getsockopt(SO_RCVBUF)", Native.errno(errno));
            }
            return value.get(JAVA_INT, 0);
        }
    }

    private void setIntOption(int level, int name, int value, String what) throws LinuxException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            MemorySegment v = call.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            if (fd.call(d -> Native.setsockopt(errno, d, level, name, v, 4)) < 0) {
                throw fail(what, Native.errno(errno));
            }
        }
    }

    /** Sends one datagram to the kernel (port 0). */
    public void send(byte[] message) throws LinuxException {
        sendTo(0, message);
    }

    /** Sends one datagram to netlink port {@code portId} (0 is the kernel; tests forge messages with others). */
    public void sendTo(int portId, byte[] message) throws LinuxException {
        sendTo(portId, 0, message);
    }

    /** Sends one datagram to port {@code portId} and the multicast groups in {@code groupsMask}. */
    public void sendTo(int portId, int groupsMask, byte[] message) throws LinuxException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            MemorySegment buf = call.allocate(Math.max(1, message.length), 8);
            MemorySegment.copy(message, 0, buf, JAVA_BYTE, 0, message.length);
            MemorySegment addr = sockaddr(call, portId, groupsMask);
            long sent = fd.call(d -> Native.sendto(errno, d, buf, message.length, 0, addr, (int) addr.byteSize()));
            if (sent < 0) {
                throw fail("sendto", Native.errno(errno));
            }
        }
    }

    /**
     * Takes the messages already queued, up to the batch's capacity, without blocking
     * ({@code recvmmsg(MSG_DONTWAIT)}; {@code recvmsg} for a batch of one).
     *
     * @return messages received (0 when none is queued or a signal interrupted the call), or
     *         {@link #OVERFLOW} when the kernel reports ENOBUFS: it dropped messages for this socket
     * @throws LinuxException any other failure
     */
    public int receive(ReceiveBatch batch) throws LinuxException {
        return receive(batch, false);
    }

    /**
     * Like {@link #receive(ReceiveBatch)}, but with {@code wait} it blocks until one message is queued (or the
     * {@linkplain #setReceiveTimeout receive timeout} passes, returning 0), then takes what else is queued
     * without waiting ({@code MSG_WAITFORONE}): one system call per wake-up.
     */
    public int receive(ReceiveBatch batch, boolean wait) throws LinuxException {
        batch.reset();
        int n;
        int flags = wait ? Sockets.MSG_WAITFORONE : Sockets.MSG_DONTWAIT;
        if (batch.capacity() == 1) {
            long length = fd.call(d -> Native.recvmsg(readErrno, d, batch.vector, wait ? 0 : Sockets.MSG_DONTWAIT));
            if (length >= 0) {
                batch.vector.set(JAVA_INT, ReceiveBatch.MSG_LEN, (int) length);
            }
            n = length >= 0 ? 1 : -1;
        } else {
            n = (int) fd.call(d -> Native.recvmmsg(readErrno, d, batch.vector, batch.capacity(), flags, MemorySegment.NULL));
        }
        if (n >= 0) {
            batch.received(n);
            return n;
        }
        int errno = Native.errno(readErrno);
        return switch (errno) {
            case Errno.EAGAIN, Errno.EINTR -> 0;
            case Errno.ENOBUFS -> OVERFLOW;
            default -> throw fail(batch.capacity() == 1 ? "recvmsg" : "recvmmsg", errno);
        };
    }

    /**
     * Waits until a message can be read or {@code timeoutMillis} passed.
     * @return true when readable
     */
    public boolean poll(int timeoutMillis) throws LinuxException {
        return fd.call(d -> readable.await(readErrno, timeoutMillis) ? 1 : 0) == 1;
    }

    private LinuxException fail(String call, int errno) {
        return new LinuxException(call + "(" + familyName(family) + ")", errno);
    }

    /** struct sockaddr_nl { sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid; __u32 nl_groups; } */
    private static MemorySegment sockaddr(Arena arena, int pid, int groupsMask) {
        MemorySegment addr = arena.allocate(12, 4);
        addr.set(JAVA_SHORT, 0, (short) Sockets.AF_NETLINK);
        addr.set(JAVA_INT, 4, pid);
        addr.set(JAVA_INT, 8, groupsMask);
        return addr;
    }

    public boolean isClosed() {
        return fd.isClosed();
    }

    /** Closes the socket once, from any thread; it waits for a receive under way (at most the receive timeout). */
    @Override
    public void close() {
        synchronized (this) {
            if (fd.isClosed()) {
                return;
            }
            fd.close();
        }
        arena.close();
    }
}
