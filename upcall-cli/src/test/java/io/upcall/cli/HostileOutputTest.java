package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.device.DeviceEvent;
import io.upcall.core.event.Event;
import io.upcall.core.event.MalformedEvent;
import io.upcall.core.hotplug.ActionEvent;
import io.upcall.core.proc.ProcessEvent;
import io.upcall.core.proc.ProcessInfo;
import io.upcall.core.relay.RelayFilter;
import io.upcall.core.relay.RelayRegistrant;
import io.upcall.protocol.cnproc.ProcEvent;
import io.upcall.protocol.uevent.Uevent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10: a process names itself ({@code exec -a $'\e[2J...'}, {@code prctl(PR_SET_NAME)}), a capture holds what its
 * author wrote: no human output passes an escape sequence on to the terminal, and JSON escapes it as JSON does.
 */
class HostileOutputTest {
    private static final String CLEAR = "\u001b[2J\u001b[H";
    private static final String TITLE = "\u001b]0;owned\u0007";
    private static final String HOSTILE = CLEAR + "evil" + TITLE + "\u009b31m\u202e";
    private static final Instant T = Instant.parse("2026-11-28T00:00:00Z");

    private static ProcessInfo process(String comm, String cmdline) {
        return new ProcessInfo(42, 1, comm, "/bin/sh", cmdline, 1000, "user" + HOSTILE,
                List.of(new ProcessInfo.Ancestor(1, "init" + HOSTILE)));
    }

    /**
     * No raw BEL, C1 CSI or bidi override, and no ESC but those of the colors the table was asked for (the hostile text
     * holds no color code, so stripping them all hides none of its own).
     */
    private static void assertInert(String text) {
        assertThat(text).doesNotContain("\u0007", "\u009b", "\u202e");
        assertThat(text.replaceAll("\u001b\\[[0-9]*m", "")).doesNotContain("\u001b");
    }

    private static List<Event> hostileEvents() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ACTION", "add" + HOSTILE);
        env.put("DEVPATH", "/devices/" + HOSTILE);
        env.put("KEY" + HOSTILE, "value" + HOSTILE);
        return List.of(
                new ProcessEvent(T, new ProcEvent.Exec(0, 0, 0, 42, 42), process("sh", "sh -c " + HOSTILE)),
                new ProcessEvent(T, new ProcEvent.Comm(0, 0, 0, 42, 42, HOSTILE), process(HOSTILE, null)),
                new DeviceEvent(T, new Uevent(false, "add" + HOSTILE, "/devices/" + HOSTILE, env)),
                new MalformedEvent(T, "device", "bad_property", 7, "property without KEY=: '" + HOSTILE + "'"),
                new ActionEvent(T, 1, "r" + HOSTILE, "/devices/" + HOSTILE, "net", 1, "add", List.of("/bin/x", HOSTILE),
                        9, 0, null, Duration.ofMillis(3), false, "cannot start: " + HOSTILE));
    }

    @Test
    void theTableEscapesWhatProcessesAndDevicesChose() {
        for (boolean color : new boolean[] {false, true}) {
            TableFormatter table = new TableFormatter(color);
            for (Event e : hostileEvents()) {
                String line = table.format(e);
                assertInert(line);
                assertThat(line).doesNotContain("\n");
            }
        }
        String exec = new TableFormatter(false).format(hostileEvents().getFirst());
        assertThat(exec).contains("sh -c \\x1b[2J\\x1b[Hevil\\x1b]0;owned\\x07\\x9b31m\\u202e");
    }

    @Test
    void udevStyleLinesAndTheirPropertiesAreEscaped() {
        UdevStyleFormatter udev = new UdevStyleFormatter(false, true, false);
        String text = String.join("\n", hostileEvents().stream().map(udev::format).toList());
        assertInert(text);
        assertThat(text).contains("KEY\\x1b[2J").contains("=value\\x1b[2J");
    }

    @Test
    void theRelaysLogAndTableEscapeComm() {
        StringWriter err = new StringWriter();
        RelayCommands.log(new PrintWriter(err)).accept("relay: registered pid 42 (" + HOSTILE + ")\nforged line");
        assertInert(err.toString());
        assertThat(err.toString().strip()).as("one line: an embedded newline cannot forge another").doesNotContain("\n");

        String table = RelayProcessesCommand.format(List.of(
                new RelayRegistrant(42, HOSTILE, 10, false, RelayFilter.forks(), 1, 0)), false);
        assertInert(table);
        assertThat(table.lines()).hasSize(2);
    }

    /** JSON needs no help: JsonBuffer writes control characters as {@code \\u00XX}, and the stream stays one line per event. */
    @Test
    void jsonEscapesControlCharactersItself() {
        for (Event e : hostileEvents()) {
            String json = JsonEventWriter.toJson(e);
            assertThat(json).doesNotContain("\u001b", "\u0007", "\n", "\u009b");
            assertThat(json).contains("\\u001b", "\\u009b");
        }
    }
}
