package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input a new user typed, refused before anything starts: one line that names the option, the reason and what
 * to give instead, one line pointing at --help, and exit status 2 for every usage error.
 */
class UsageErrorTest {
    private final InProcess cli = new InProcess();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    /** A pid no process has now: the highest free one below the kernel's limit (bounded: 1000 tries). */
    static int freePid() {
        for (int pid = Converters.PidConverter.PID_MAX_LIMIT - 1, i = 0; i < 1000; pid--, i++) {
            if (!Files.exists(Path.of("/proc", Integer.toString(pid)))) {
                return pid;
            }
        }
        throw new IllegalStateException("no free pid near " + Converters.PidConverter.PID_MAX_LIMIT);
    }

    private void assertUsageError(String command, String... messageParts) {
        String[] lines = err.toString().lines().toArray(String[]::new);
        assertThat(lines).as(err.toString()).hasSize(2);
        assertThat(lines[0]).startsWith("upcall: ").contains(messageParts);
        assertThat(lines[1]).isEqualTo("Try '" + command + " --help' for more information.");
        assertThat(out.toString()).as("no usage on stdout").isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "procs   | --count 0               | --count | must be 1 or more, not 0",
        "procs   | --count -1              | --count | must be 1 or more, not -1",
        "procs   | --count 99999999999999999999 | --count | out of range: the largest is 9223372036854775807",
        "monitor | --count 0               | --count | must be 1 or more",
        "devices | --count 0               | --count | must be 1 or more",
        "record  | x.pcapng --count 0      | --count | must be 1 or more",
        "replay  | x.pcapng --count 0      | --count | must be 1 or more",
        "procs   | --pid -5                | --pid   | a process id is 1 or more, not -5",
        "procs   | --pid abc               | --pid   | 'abc' is not a whole number",
        "procs   | --tree 0                | --tree  | a process id is 1 or more",
        "procs   | --pid 9999999           | --pid   | out of range: the largest is 4194304",
        "replay  | x.pcapng --pid -5       | --pid   | a process id is 1 or more",
        "procs   | --rcvbuf 0              | --rcvbuf| must be 1 byte or more (such as 8M), not 0",
        "devices | --rcvbuf 0              | --rcvbuf| must be 1 byte or more",
        "procs   | --events bogus          | --events| unknown proc event type 'bogus'; expected one of fork, exec",
        "procs   | --events fork,,         | --events| 'fork,,' has an empty item",
        "procs   | --events ,exec          | --events| ',exec' has an empty item",
        "replay  | x.pcapng --events exit, | --events| 'exit,' has an empty item",
        "devices | --action explode        | --action| unknown value 'explode'; use add, remove, change, move, online, offline, bind, unbind",
        "devices | --action add,           | --action| 'add,' has an empty item",
        "devices | --subsystem net,,       | --subsystem | has an empty item",
        "record  | x.pcapng --sources proc,,| --sources | has an empty item",
        "record  | x.pcapng --sources nosuch | --sources | unknown source 'nosuch'; this version records: ",
        "record  | x.pcapng --sources file | --sources file | needs --files PATH",
        "files   | /no/such/path           | no such | file or directory: /no/such/path",
        "files   | /tmp --events opens     | --events | unknown value 'opens'; use create, open, open_exec",
        "files   | /tmp --mount --filesystem | --mount | --filesystem",
        "audit watch | --count 0           | --count | must be 1 or more",
        "audit watch | --rule -D           | --rule  | rule '-D' at character 1: '-D' is not a rule option",
    })
    void isRefusedWithTheReasonAndStatusTwo(String command, String args, String option, String reason) {
        String[] argv = (command + " " + args).trim().split("\\s+");
        assertThat(run(argv)).as(err.toString()).isEqualTo(2);
        assertUsageError("upcall " + command, option.strip(), reason);
    }

    @Test
    void anEmptyValueIsRefused() {
        assertThat(run("devices", "--subsystem", "")).isEqualTo(2);
        assertUsageError("upcall devices", "--subsystem is empty: give a subsystem such as net or block");
        err.getBuffer().setLength(0);
        assertThat(run("devices", "--devtype", "")).isEqualTo(2);
        assertUsageError("upcall devices", "--devtype is empty");
        err.getBuffer().setLength(0);
        assertThat(run("devices", "trigger", "--subsystem", "", "--dry-run")).isEqualTo(2);
        assertUsageError("upcall devices trigger", "--subsystem is empty");
        err.getBuffer().setLength(0);
        assertThat(run("procs", "--events", "")).isEqualTo(2);
        assertUsageError("upcall procs", "--events is empty");
    }

    @Test
    void aPidThatIsNotRunningIsRefusedAtStart() {
        int pid = freePid();
        assertThat(run("procs", "--pid", Integer.toString(pid))).isEqualTo(2);
        assertUsageError("upcall procs", "--pid", "no process " + pid + " is running", "ps -e");
        err.getBuffer().setLength(0);
        assertThat(run("monitor", "--tree", Integer.toString(pid))).isEqualTo(2);
        assertUsageError("upcall monitor", "--tree", "no process " + pid + " is running");
    }

    @Test
    void anUnknownCommandOrOptionSaysSoWithoutTheUsage() {
        assertThat(run("procz")).isEqualTo(2);
        assertThat(err.toString()).startsWith("upcall: unmatched argument at index 0: 'procz'").contains("procs")
                .endsWith("Try 'upcall --help' for more information." + System.lineSeparator());
        err.getBuffer().setLength(0);
        assertThat(run("devices", "--bogus")).isEqualTo(2);
        assertThat(err.toString()).startsWith("upcall: unknown option: '--bogus'")
                .contains("Try 'upcall devices --help' for more information.").doesNotContain("Usage:");
    }

    @Test
    void aCommandErrorThrownAtRunTimeIsAUsageErrorToo() {
        assertThat(run("devices", "--max-jobs", "4")).isEqualTo(2);
        assertUsageError("upcall devices", "--max-jobs goes with --rules");
        err.getBuffer().setLength(0);
        assertThat(run("devices", "trigger", "--action", "remove", "--dry-run")).isEqualTo(2);
        assertUsageError("upcall devices trigger", "--action must be add or change, not 'remove'");
    }
}
