package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.hotplug.ActionEvent;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.core.proc.ProcessInfo;
import io.upcall.protocol.cnproc.ProcEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 11: the live table fits the terminal, starts with its header, shows ancestors, and keeps its columns. */
class TableFormatterTest {
    private static final Instant T = Instant.parse("2026-11-28T00:00:00Z");
    /** Where the Process column starts: time 15, event 9, pid 7 and info 24, with their separators. */
    private static final int PROCESS_COLUMN = TableFormatter.HEADER.indexOf("Process");

    private static ProcessEvent exec(String cmdline, List<ProcessInfo.Ancestor> ancestors) {
        return new ProcessEvent(T, new ProcEvent.Exec(0, 0, 0, 4242, 4242),
                new ProcessInfo(4242, 100, "sh", "/bin/sh", cmdline, 0, "root", ancestors));
    }

    private static ActionEvent outcome(String how) {
        boolean timedOut = how.equals("timed out");
        return new ActionEvent(T, 2, null, "/devices/virtual/net/lo", "net", 7, "change", List.of("/bin/sleep", "5"), 18916,
                timedOut ? ActionEvent.NONE : 0, timedOut ? "SIGTERM" : null, Duration.ofMillis(327), timedOut, null);
    }

    @Test
    void onATerminalEveryLineIsCutToItsWidth() {
        String longCommand = "java -jar " + "x".repeat(400);
        for (boolean color : new boolean[] {false, true}) {
            TableFormatter table = new TableFormatter(color, () -> 100);
            String line = table.format(exec(longCommand, List.of()));
            String visible = line.replaceAll("\u001b\\[[0-9]*m", "");
            assertThat(visible).hasSize(100).startsWith(new TableFormatter(false).format(exec(longCommand, List.of()))
                    .substring(0, 100));
            assertThat(table.header().replaceAll("\u001b\\[[0-9]*m", "")).hasSizeLessThanOrEqualTo(100);
        }
        assertThat(new TableFormatter(false, () -> 10).format(exec(longCommand, List.of()))).hasSize(10);
    }

    @Test
    void aPipeGetsWholeLines() {
        String longCommand = "java -jar " + "x".repeat(400);
        assertThat(new TableFormatter(false, () -> 0).format(exec(longCommand, List.of()))).endsWith("x".repeat(400));
        assertThat(new TableFormatter(false).format(exec(longCommand, List.of()))).endsWith("x".repeat(400));
    }

    @Test
    void ancestorsFollowTheCommandParentFirst() {
        String line = new TableFormatter(false).format(exec("sleep 1",
                List.of(new ProcessInfo.Ancestor(100, "bash"), new ProcessInfo.Ancestor(1, "systemd"))));
        assertThat(line).endsWith("sleep 1  < bash(100) < systemd(1)");
    }

    /** A row whose info overflows its column still has two spaces before the process, as every other row. */
    @Test
    void hotplugOutcomeRowsKeepTwoSpacesBeforeTheCommand() {
        TableFormatter table = new TableFormatter(false);
        String ok = table.format(outcome("status 0"));
        String timedOut = table.format(outcome("timed out"));
        assertThat(ok.indexOf("/bin/sleep 5")).isEqualTo(PROCESS_COLUMN);
        assertThat(timedOut).contains("rule 2: timed out, SIGTERM, 327 ms  /bin/sleep 5");
        assertThat(table.format(exec("sleep 1", List.of())).indexOf("sleep 1")).isEqualTo(PROCESS_COLUMN);
    }

    @Test
    void theHeaderIsWrittenByTheFirstFlushBeforeAnyEvent() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventOutput output = new EventOutput(out, new TableFormatter(false), null, () -> { });
        output.flush();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(TableFormatter.HEADER + "\n");
    }

    @Test
    void theWidthComesFromTheTerminalElseColumnsElseNothing() {
        assertThat(Terminals.width(120, "80")).isEqualTo(120);
        assertThat(Terminals.width(0, "80")).as("a terminal that does not say").isEqualTo(80);
        assertThat(Terminals.width(-1, "80")).as("a pipe: whole lines, whatever COLUMNS says").isZero();
        assertThat(Terminals.width(0, null)).isZero();
        assertThat(Terminals.width(0, "wide")).isZero();
    }
}
