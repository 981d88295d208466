package io.upcall.core.acct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code TASKSTATS_CMD_GET} on running processes: this JVM, a sleeping child, and a pid nobody has. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskstatsQueryKernelIT {

    @Test
    void aRunningProcessHasItsFiguresAndAMissingOneIsEsrch() throws Exception {
        assumeTrue(AcctChannel.INSTANCE.probe().available(), "taskstats unavailable");
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            AcctEvent task = TaskstatsQuery.query((int) sleeper.pid(), false);
            assertThat(task.type()).isEqualTo("query");
            assertThat(task.stats().comm()).isEqualTo("sleep");
            assertThat(task.stats().get(TaskstatsField.AC_PID)).isEqualTo(sleeper.pid());
            assertThat(task.stats().get(TaskstatsField.AC_PPID)).isEqualTo(ProcessHandle.current().pid());
        } finally {
            sleeper.destroyForcibly();
            sleeper.waitFor(10, TimeUnit.SECONDS);
        }
        AcctEvent jvm = TaskstatsQuery.query((int) ProcessHandle.current().pid(), true);
        assertThat(jvm.stats().get(TaskstatsField.AC_UTIME) + jvm.stats().get(TaskstatsField.AC_STIME)).isPositive();

        int free = 4_000_000;
        for (int i = 0; i < 1000 && Files.exists(Path.of("/proc", Integer.toString(free))); i++) {
            free--;
        }
        int missing = free;
        assertThatThrownBy(() -> TaskstatsQuery.query(missing, false)).isInstanceOf(LinuxException.class)
                .satisfies(e -> assertThat(((LinuxException) e).errno()).isEqualTo(Errno.ESRCH));
    }
}
