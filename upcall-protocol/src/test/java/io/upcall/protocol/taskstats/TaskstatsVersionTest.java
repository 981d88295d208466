package io.upcall.protocol.taskstats;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.DecodeResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Older and newer {@code struct taskstats} versions, built by hand from the header's history out of the version-16
 * record captured here: each is read by its own version, never by this kernel's size.
 */
class TaskstatsVersionTest {
    /** The captured {@code sh} record's struct (after nlmsghdr, genlmsghdr, AGGR_PID, PID, STATS headers). */
    private static final byte[] V16 = Arrays.copyOfRange(TaskstatsDecoderGoldenTest.fixture("exit-sh.bin"), 36, 36 + 560);

    private static byte[] as(int version, int size) {
        byte[] b = Arrays.copyOf(V16, size);
        MemorySegment.ofArray(b).set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) version);
        return b;
    }

    private static DecodeResult<TaskStats> decode(byte[] b, int pad) {
        byte[] padded = new byte[pad + b.length];
        System.arraycopy(b, 0, padded, pad, b.length);
        return TaskstatsDecoder.decodeStats(MemorySegment.ofArray(padded), pad, b.length);
    }

    private static TaskStats decoded(DecodeResult<TaskStats> r) {
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded<TaskStats>) r).value();
    }

    @Test
    void version14HasNoDelayExtremesAndIsNotShort() {
        TaskStats s = decoded(decode(as(14, 432), 3));
        assertThat(s.has(TaskstatsField.IRQ_DELAY_TOTAL)).isTrue();
        assertThat(s.has(TaskstatsField.CPU_DELAY_MAX)).isFalse();
        assertThat(s.get(TaskstatsField.AC_PID)).isEqualTo(8977);
    }

    @Test
    void version10HasBtime64ButNoTgid() {
        TaskStats s = decoded(decode(as(10, 352), 0));
        assertThat(s.beginTimeSeconds()).isEqualTo(1_796_194_363L);
        assertThat(s.has(TaskstatsField.AC_TGID)).isFalse();
        assertThat(s.has(TaskstatsField.COMPACT_COUNT)).isFalse();
    }

    @Test
    void aVersionBelow10ReadsWhatItsSizeHolds() {
        // Before version 10 the header marks no versions: a 248-byte struct (up to write_syscalls) has no I/O bytes.
        TaskStats s = decoded(decode(as(3, 248), 1));
        assertThat(s.get(TaskstatsField.AC_UTIME)).isEqualTo(4000);
        assertThat(s.has(TaskstatsField.WRITE_SYSCALLS)).isTrue();
        assertThat(s.has(TaskstatsField.READ_BYTES)).isFalse();
        assertThat(s.beginTimeSeconds()).isEqualTo(1_796_194_363L); // ac_btime, 32 bits
    }

    @Test
    void version1HasOnlyDelaysAtOffset8() {
        byte[] v1 = new byte[TaskstatsField.V1_SIZE];
        MemorySegment seg = MemorySegment.ofArray(v1);
        seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) 1);
        seg.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, 5); // cpu_count
        seg.set(ValueLayout.JAVA_LONG_UNALIGNED, 64, 99); // cpu_run_virtual_total
        TaskStats s = decoded(decode(v1, 0));
        assertThat(s.get(TaskstatsField.CPU_COUNT)).isEqualTo(5);
        assertThat(s.get(TaskstatsField.CPU_RUN_VIRTUAL_TOTAL)).isEqualTo(99);
        assertThat(s.has(TaskstatsField.AC_EXITCODE)).isFalse();
        assertThat(s.comm()).isNull();
    }

    @Test
    void version15IsSkippedNotMisread() {
        assertThat(decode(as(15, 560), 0)).isInstanceOf(DecodeResult.Skipped.class);
    }

    @Test
    void aNewerVersionIsReadAsSixteen() {
        TaskStats s = decoded(decode(as(17, 688), 0));
        assertThat(s.version()).isEqualTo(17);
        assertThat(s.comm()).isEqualTo("sh");
        assertThat(s.has(TaskstatsField.IRQ_DELAY_MIN)).isTrue();
    }

    @Test
    void aStructShorterThanItsVersionIsMalformedAtTheMissingField() {
        DecodeResult<TaskStats> r = decode(as(16, 500), 4);
        assertThat(r).isInstanceOf(DecodeResult.Malformed.class);
        DecodeResult.Malformed<TaskStats> m = (DecodeResult.Malformed<TaskStats>) r;
        assertThat(m.kind()).isEqualTo("short_stats");
        assertThat(m.offset()).isEqualTo(4 + 496);
        assertThat(decode(new byte[1], 0)).isInstanceOf(DecodeResult.Malformed.class);
        assertThat(decode(as(0, 560), 0)).isInstanceOf(DecodeResult.Malformed.class);
    }
}
