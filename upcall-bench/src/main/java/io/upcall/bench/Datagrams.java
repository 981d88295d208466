package io.upcall.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds proc-connector datagrams exactly as the kernel sends them (native byte order), for the
 * benchmarks: {@code nlmsghdr} (16) + {@code cn_msg} (20) + {@code proc_event} (40) = 76 bytes.
 * The {@code proc_event} starts at offset 36, so its u64 {@code timestamp_ns} (offset 44) is not
 * 8-byte aligned, as in real traffic.
 */
final class Datagrams {
    static final int NLMSG_DONE = 3;
    static final int PROC_EVENT_FORK = 0x00000001;
    static final int PROC_EVENT_EXIT = 0x80000000;
    static final int LENGTH = 76;

    private Datagrams() {}

    /** Fork of child 4243 (a process, not a thread) from parent 4242. */
    static byte[] fork(int seq) {
        ByteBuffer b = header(seq, PROC_EVENT_FORK, 1);
        b.putInt(4242).putInt(4242).putInt(4243).putInt(4243); // parent pid/tgid, child pid/tgid
        b.putInt(0).putInt(0); // unused tail of event_data
        return b.array();
    }

    /** Exit of 4243 with status 0 (wait status 0), exit_signal SIGCHLD, parent 4242. */
    static byte[] exit(int seq) {
        ByteBuffer b = header(seq, PROC_EVENT_EXIT, 0);
        b.putInt(4243).putInt(4243).putInt(0).putInt(17).putInt(4242).putInt(4242);
        return b.array();
    }

    private static ByteBuffer header(int seq, int what, int cpu) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.nativeOrder());
        // nlmsghdr: len, type, flags, seq, pid
        b.putInt(LENGTH).putShort((short) NLMSG_DONE).putShort((short) 0).putInt(seq).putInt(0);
        // cn_msg: id.idx, id.val, seq, ack, len (u16), flags (u16)
        b.putInt(1).putInt(1).putInt(seq).putInt(0).putShort((short) 40).putShort((short) 0);
        // proc_event header: what, cpu, timestamp_ns (u64, unaligned)
        b.putInt(what).putInt(cpu).putLong(1_234_567_890_123L + seq);
        return b;
    }

    /** Copies {@code bytes} into native memory, like the receive buffer that recvmmsg fills. */
    static MemorySegment nativeCopy(Arena arena, byte[] bytes) {
        MemorySegment s = arena.allocate(bytes.length, 8);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return s;
    }
}
