package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: help, version, and errors that say what to type instead. */
class CliTest {
    private final InProcess cli = new InProcess();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"monitor", "procs", "devices", "record", "replay", "doctor"}) {
            out.getBuffer().setLength(0);
            assertThat(run(command, "--help")).isZero();
            assertThat(out.toString()).contains("Usage: upcall " + command);
        }
        assertThat(run("procs", "--help")).isZero();
        assertThat(out.toString()).contains("--events", "--tree", "--json", "--count", "--duration", "--rcvbuf");
        assertThat(run("devices", "--help")).isZero();
        assertThat(out.toString()).contains("--rules", "--max-jobs");
    }

    @Test
    void printsItsVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("upcall ").contains("Java 25");
    }

    @Test
    void anUnknownEventTypeNamesTheValidOnes() {
        assertThat(run("procs", "--events", "fork,spawn")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown proc event type 'spawn'", "fork, exec, exit");
    }

    @Test
    void aBadDurationSaysWhatToWrite() {
        assertThat(run("procs", "--duration", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("'soon' is not a duration", "15s");
    }

    @Test
    void aBadRulesFileIsAUsageErrorNamingItsLine(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("hotplug.yaml");
        Files.writeString(rules, "rules:\n  - match:\n      subsystem: net\n      acton: change\n    run: /bin/true\n");
        assertThat(run("devices", "--rules", rules.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(rules + ", line 4: unknown key 'acton' in match").doesNotContain("Exception");
    }

    @Test
    void maxJobsNeedsRules() {
        assertThat(run("devices", "--max-jobs", "4")).isEqualTo(2);
        assertThat(err.toString()).contains("--max-jobs goes with --rules");
    }

    @Test
    void triggerDryRunListsDevicesInDevpathOrder() {
        assertThat(run("devices", "trigger", "--dry-run")).isZero();
        java.util.List<String> devpaths = out.toString().lines().map(l -> l.split(" ")[0]).toList();
        assertThat(devpaths).as("devices under /sys/devices").isNotEmpty().isSorted();
    }

    @Test
    void durationsTakeSecondsOrAUnit() {
        Converters.DurationConverter c = new Converters.DurationConverter();
        assertThat(c.convert("15")).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.convert("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(c.convert("1.5h")).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void sizesTakeBinaryUnits() {
        Converters.SizeConverter c = new Converters.SizeConverter();
        assertThat(c.convert("8388608")).isEqualTo(8 << 20);
        assertThat(c.convert("8M")).isEqualTo(8 << 20);
        assertThat(c.convert("512KiB")).isEqualTo(512 << 10);
        assertThat(run("procs", "--rcvbuf", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("'lots' is not a size");
    }
}
