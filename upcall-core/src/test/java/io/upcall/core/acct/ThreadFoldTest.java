package io.upcall.core.acct;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.taskstats.TaskStats;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The shortcut for a single-threaded process gives what folding its one record gives. */
class ThreadFoldTest {
    private static final Instant WHEN = Instant.parse("2026-01-01T00:00:00Z");
    private static final int FIELDS = TaskstatsField.values().length;

    private static TaskStats record(long etime, long tgetime, boolean hasTgetime) {
        long[] values = new long[FIELDS];
        for (int i = 0; i < FIELDS; i++) {
            values[i] = 1000 + 7L * i;
        }
        boolean[] present = new boolean[FIELDS];
        Arrays.fill(present, true);
        values[TaskstatsField.AC_PID.ordinal()] = 4242;
        values[TaskstatsField.AC_TGID.ordinal()] = 4242;
        values[TaskstatsField.AC_ETIME.ordinal()] = etime;
        values[TaskstatsField.AC_TGETIME.ordinal()] = hasTgetime ? tgetime : 0; // absent reads 0, as decoded
        present[TaskstatsField.AC_TGETIME.ordinal()] = hasTgetime;
        values[TaskstatsField.IRQ_DELAY_MIN.ordinal()] = 0; // a field this record's version lacks
        present[TaskstatsField.IRQ_DELAY_MIN.ordinal()] = false;
        return TaskStats.of(16, "forkstorm", values, present);
    }

    @Test
    void aloneIsTheFoldOfOneRecord() {
        for (TaskStats r : new TaskStats[] {record(500, 500, true), record(500, 731, true), record(500, 0, false)}) {
            TaskStats folded = new ThreadFold().finish(r, 4242, WHEN).stats();
            assertThat(ThreadFold.alone(r)).isEqualTo(folded);
        }
    }

    @Test
    void aloneTakesTheGroupsElapsedTime() {
        assertThat(ThreadFold.alone(record(500, 731, true)).get(TaskstatsField.AC_ETIME)).isEqualTo(731);
        TaskStats same = record(500, 500, true);
        assertThat(ThreadFold.alone(same)).isSameAs(same);
    }
}
