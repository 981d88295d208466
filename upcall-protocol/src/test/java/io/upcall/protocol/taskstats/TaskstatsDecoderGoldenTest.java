package io.upcall.protocol.taskstats;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.genl.Genl;
import io.upcall.protocol.genl.GenlControlDecoder;
import io.upcall.protocol.genl.GenlFamily;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Datagrams captured on this machine (Linux 6.18, {@code struct taskstats} version 16, delay accounting off): the
 * controller's answer for {@code TASKSTATS} and exit records of {@code sh -c 'exit 3'}, of {@code dd ... conv=fsync}
 * writing 2 MiB, and of a three-thread {@code python3} (a thread's record, then the last thread's with the group's).
 */
class TaskstatsDecoderGoldenTest {

    static byte[] fixture(String name) {
        try (InputStream in = TaskstatsDecoderGoldenTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static TaskstatsReply reply(byte[] datagram) {
        MemorySegment seg = MemorySegment.ofArray(datagram);
        NetlinkCursor cursor = new NetlinkCursor().reset(seg);
        assertThat(cursor.next()).isTrue();
        assertThat(cursor.type()).isEqualTo(31); // the family id on the boot these were captured on
        DecodeResult<TaskstatsReply> r = TaskstatsDecoder.decode(seg, cursor.payloadOffset(), cursor.payloadLength());
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded<TaskstatsReply>) r).value();
    }

    @Test
    void controllerReplyGivesTheFamilyId() {
        MemorySegment seg = MemorySegment.ofArray(fixture("ctrl-reply.bin"));
        NetlinkCursor cursor = new NetlinkCursor().reset(seg);
        assertThat(cursor.next()).isTrue();
        assertThat(cursor.type()).isEqualTo(Genl.GENL_ID_CTRL);
        DecodeResult<GenlFamily> r = GenlControlDecoder.decode(seg, cursor.payloadOffset(), cursor.payloadLength());
        assertThat(r).isEqualTo(DecodeResult.decoded(new GenlFamily(31, "TASKSTATS", 1, java.util.Map.of())));
    }

    @Test
    void decodesEveryFigureOfAProcessExit() {
        TaskstatsReply reply = reply(fixture("exit-sh.bin"));
        assertThat(reply.command()).isEqualTo(Taskstats.TASKSTATS_CMD_NEW);
        assertThat(reply.aggregates()).hasSize(1);
        TaskstatsReply.Aggregate a = reply.aggregates().getFirst();
        assertThat(a.threadGroup()).isFalse();
        assertThat(a.id()).isEqualTo(8977);
        TaskStats s = a.stats();
        assertThat(s.version()).isEqualTo(16);
        assertThat(s.comm()).isEqualTo("sh");
        assertThat(s.get(TaskstatsField.AC_EXITCODE)).isEqualTo(3 << 8);
        assertThat(s.get(TaskstatsField.AC_FLAG)).isEqualTo(Taskstats.AGROUP);
        assertThat(s.get(TaskstatsField.AC_PID)).isEqualTo(8977);
        assertThat(s.get(TaskstatsField.AC_PPID)).isEqualTo(8935);
        assertThat(s.get(TaskstatsField.AC_TGID)).isEqualTo(8977);
        assertThat(s.get(TaskstatsField.AC_UID)).isZero();
        assertThat(s.beginTimeSeconds()).isEqualTo(1_796_194_363L);
        assertThat(s.get(TaskstatsField.AC_ETIME)).isEqualTo(2308);
        assertThat(s.get(TaskstatsField.AC_UTIME)).isEqualTo(4000);
        assertThat(s.get(TaskstatsField.AC_MINFLT)).isEqualTo(62);
        assertThat(s.get(TaskstatsField.HIWATER_RSS)).isEqualTo(1464);
        assertThat(s.get(TaskstatsField.HIWATER_VM)).isEqualTo(2592);
        assertThat(s.get(TaskstatsField.READ_CHAR)).isEqualTo(3072);
        assertThat(s.get(TaskstatsField.NVCSW)).isEqualTo(6);
        assertThat(s.get(TaskstatsField.AC_EXE_DEV)).isEqualTo(65024);
        assertThat(s.get(TaskstatsField.AC_EXE_INODE)).isEqualTo(260180);
        assertThat(s.has(TaskstatsField.IRQ_DELAY_MIN)).isTrue();
    }

    @Test
    void decodesWrittenBytes() {
        TaskStats dd = reply(fixture("exit-dd.bin")).aggregates().getFirst().stats();
        assertThat(dd.comm()).isEqualTo("dd");
        assertThat(dd.get(TaskstatsField.WRITE_CHAR)).isEqualTo(2 << 20);
        assertThat(dd.get(TaskstatsField.WRITE_BYTES)).isEqualTo(2_109_440);
    }

    @Test
    void aThreadRecordLacksTheGroupFlagAndTheLastCarriesTheGroup() {
        TaskStats thread = reply(fixture("exit-thread.bin")).aggregates().getFirst().stats();
        assertThat(thread.get(TaskstatsField.AC_PID)).isEqualTo(8979);
        assertThat(thread.get(TaskstatsField.AC_TGID)).isEqualTo(8978);
        assertThat(thread.get(TaskstatsField.AC_FLAG) & Taskstats.AGROUP).isZero();

        List<TaskstatsReply.Aggregate> last = reply(fixture("exit-group.bin")).aggregates();
        assertThat(last).extracting(TaskstatsReply.Aggregate::threadGroup).containsExactly(false, true);
        assertThat(last.get(0).stats().get(TaskstatsField.AC_FLAG) & Taskstats.AGROUP).isEqualTo(Taskstats.AGROUP);
        assertThat(last.get(1).id()).isEqualTo(8978);
        // The group's aggregate sums CPU over the three threads (0 + 4000 + 48000 us) but carries no identity.
        assertThat(last.get(1).stats().get(TaskstatsField.AC_UTIME)).isEqualTo(52_000);
        assertThat(last.get(1).stats().comm()).isEmpty();
    }
}
