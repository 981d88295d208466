package io.upcall.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Preallocated native memory for one {@code recvmmsg(2)} call: {@code count} message slots, each with
 * its own data buffer, sender address and control buffer, reused for every call so that receiving
 * allocates nothing.
 *
 * <pre>{@code
 * struct mmsghdr {                 // 64 bytes on LP64
 *     struct msghdr msg_hdr;       //  0: 56 bytes
 *     unsigned int  msg_len;       // 56: bytes received into this slot
 * };
 * struct msghdr {
 *     void         *msg_name;      //  0: -> struct sockaddr_nl (12 bytes)
 *     socklen_t     msg_namelen;   //  8
 *     struct iovec *msg_iov;       // 16: -> { void *iov_base; size_t iov_len; }
 *     size_t        msg_iovlen;    // 24
 *     void         *msg_control;   // 32: -> cmsghdr + struct ucred (SCM_CREDENTIALS)
 *     size_t        msg_controllen;// 40
 *     int           msg_flags;     // 48: MSG_TRUNC, MSG_CTRUNC on return
 * };
 * struct sockaddr_nl { sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid; __u32 nl_groups; };
 * struct ucred { pid_t pid; uid_t uid; gid_t gid; };
 * }</pre>
 *
 * <p>Not thread-safe: one reading thread owns a batch.
 */
public final class ReceiveBatch implements AutoCloseable {
    static final long MMSGHDR_SIZE = 64;
    private static final long MSG_NAME = 0;
    private static final long MSG_NAMELEN = 8;
    private static final long MSG_IOV = 16;
    private static final long MSG_IOVLEN = 24;
    private static final long MSG_CONTROL = 32;
    private static final long MSG_CONTROLLEN = 40;
    private static final long MSG_FLAGS = 48;
    static final long MSG_LEN = 56;
    private static final long SOCKADDR_NL_SIZE = 12;
    private static final long IOVEC_SIZE = 16;
    /** CMSG_SPACE(sizeof(struct ucred)): a 16-byte cmsghdr and 12 bytes of ucred, padded to 8. */
    private static final long CONTROL_SIZE = 32;
    private static final int SCM_CREDENTIALS = 2;
    private static final int MSG_TRUNC = 0x20;
    private static final int MSG_CTRUNC = 0x08;

    private final Arena arena;
    private final int capacity;
    private final int bufferSize;
    final MemorySegment vector;
    private final MemorySegment names;
    private final MemorySegment buffers;
    private final MemorySegment controls;
    private int received;

    /**
     * @param capacity   messages taken per {@code recvmmsg} call
     * @param bufferSize bytes per message; a longer datagram is cut and reported as {@link #truncated(int)}
     */
    public ReceiveBatch(int capacity, int bufferSize) {
        if (capacity < 1 || bufferSize < 16) {
            throw new IllegalArgumentException("capacity " + capacity + ", bufferSize " + bufferSize);
        }
        this.capacity = capacity;
        this.bufferSize = bufferSize;
        this.arena = Arena.ofShared();
        this.vector = arena.allocate(MMSGHDR_SIZE * capacity, 8);
        this.names = arena.allocate(SOCKADDR_NL_SIZE * capacity, 8);
        this.buffers = arena.allocate((long) bufferSize * capacity, 8);
        this.controls = arena.allocate(CONTROL_SIZE * capacity, 8);
        MemorySegment iovecs = arena.allocate(IOVEC_SIZE * capacity, 8);
        for (int i = 0; i < capacity; i++) {
            MemorySegment iov = iovecs.asSlice(i * IOVEC_SIZE, IOVEC_SIZE);
            iov.set(ADDRESS, 0, buffers.asSlice((long) i * bufferSize, bufferSize));
            iov.set(JAVA_LONG, 8, bufferSize);
            MemorySegment hdr = header(i);
            hdr.set(ADDRESS, MSG_NAME, names.asSlice(i * SOCKADDR_NL_SIZE, SOCKADDR_NL_SIZE));
            hdr.set(ADDRESS, MSG_IOV, iov);
            hdr.set(JAVA_LONG, MSG_IOVLEN, 1);
            hdr.set(ADDRESS, MSG_CONTROL, controls.asSlice(i * CONTROL_SIZE, CONTROL_SIZE));
        }
        reset();
    }

    /** The kernel shrinks name and control lengths to what it wrote: give every slot its full room back. */
    void reset() {
        // Only the slots the last call filled were changed (and this runs per call: no slices, no allocation).
        int dirty = received == 0 ? capacity : received;
        for (int i = 0; i < dirty; i++) {
            long hdr = i * MMSGHDR_SIZE;
            vector.set(JAVA_INT, hdr + MSG_NAMELEN, (int) SOCKADDR_NL_SIZE);
            vector.set(JAVA_LONG, hdr + MSG_CONTROLLEN, CONTROL_SIZE);
            vector.set(JAVA_INT, hdr + MSG_FLAGS, 0);
        }
        received = 0;
    }

    void received(int count) {
        this.received = count;
    }

    private MemorySegment header(int i) {
        return vector.asSlice(i * MMSGHDR_SIZE, MMSGHDR_SIZE);
    }

    private void check(int i) {
        if (i < 0 || i >= received) {
            throw new IndexOutOfBoundsException("message " + i + " of " + received);
        }
    }

    /** Slots this batch offers to one call. */
    public int capacity() {
        return capacity;
    }

    /** Messages the last call filled. */
    public int received() {
        return received;
    }

    /** The bytes of message {@code i}, as many as fit its buffer. */
    public MemorySegment data(int i) {
        check(i);
        long length = Math.min(Integer.toUnsignedLong(vector.get(JAVA_INT, i * MMSGHDR_SIZE + MSG_LEN)), bufferSize);
        return buffers.asSlice((long) i * bufferSize, length);
    }

    /** True when message {@code i} was longer than its buffer and the kernel cut it. */
    public boolean truncated(int i) {
        check(i);
        return (vector.get(JAVA_INT, i * MMSGHDR_SIZE + MSG_FLAGS) & (MSG_TRUNC | MSG_CTRUNC)) != 0;
    }

    /** The sender's netlink port id ({@code nl_pid}); 0 means the kernel. */
    public int senderPort(int i) {
        check(i);
        return names.get(JAVA_INT, i * SOCKADDR_NL_SIZE + 4);
    }

    /** The multicast groups mask the message was sent to ({@code nl_groups}); 0 for unicast. */
    public int senderGroups(int i) {
        check(i);
        return names.get(JAVA_INT, i * SOCKADDR_NL_SIZE + 8);
    }

    /** The address family the kernel reported ({@code AF_NETLINK} = 16). */
    public int senderFamily(int i) {
        check(i);
        return Short.toUnsignedInt(names.get(JAVA_SHORT, i * SOCKADDR_NL_SIZE));
    }

    /**
     * The sender's {@code SCM_CREDENTIALS} (needs {@code SO_PASSCRED}), or {@code null} when the message
     * carried none.
     */
    public Ucred credentials(int i) {
        check(i);
        MemorySegment hdr = header(i);
        long controlLength = hdr.get(JAVA_LONG, MSG_CONTROLLEN);
        MemorySegment control = controls.asSlice(i * CONTROL_SIZE, CONTROL_SIZE);
        long offset = 0;
        while (offset + 16 <= Math.min(controlLength, CONTROL_SIZE)) {
            long cmsgLen = control.get(JAVA_LONG, offset);
            int level = control.get(JAVA_INT, offset + 8);
            int type = control.get(JAVA_INT, offset + 12);
            if (cmsgLen < 16) {
                return null;
            }
            if (level == Sockets.SOL_SOCKET && type == SCM_CREDENTIALS && cmsgLen >= 28 && offset + 28 <= CONTROL_SIZE) {
                return new Ucred(control.get(JAVA_INT, offset + 16), control.get(JAVA_INT, offset + 20),
                        control.get(JAVA_INT, offset + 24));
            }
            offset += (cmsgLen + 7) & ~7L;
        }
        return null;
    }

    @Override
    public void close() {
        arena.close();
    }
}
