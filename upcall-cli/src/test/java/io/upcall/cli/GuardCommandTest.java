package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.guard.GuardRule;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code upcall guard}'s command line, without the kernel: rule order and usage errors. */
class GuardCommandTest {
    private final InProcess cli = new InProcess();

    private static List<String> rules(String... args) {
        CommandLine main = Main.commandLine(new ByteArrayOutputStream());
        CommandLine.ParseResult parsed = main.parseArgs(args);
        CommandLine guard = parsed.subcommand().commandSpec().commandLine();
        GuardCommand command = guard.getCommand();
        return command.rulesInOrder(guard).stream().map(GuardRule::label).toList();
    }

    @Test
    void rulesKeepTheOrderTheyWereTypedAcrossOptions() {
        assertThat(rules("guard", "/tmp", "--allow-exec", "*/ok", "--deny-exec", "*", "--rule", "deny open uid=1000",
                "--allow-exec", "*/also", "--deny-open", "*/secret", "--allow-open", "*"))
                .containsExactly("allow-exec */ok", "deny-exec *", "deny open uid=1000", "allow-exec */also",
                        "deny-open */secret", "allow-open *");
        assertThat(rules("guard", "/tmp", "--deny-exec=*/a", "--allow-exec=*/a"))
                .containsExactly("deny-exec */a", "allow-exec */a");
        assertThat(rules("guard", "/tmp")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/tmp --default maybe                  | --default: 'maybe' is not a verdict: use allow or deny",
        "/tmp --on-timeout block               | --on-timeout: 'block' is not a verdict",
        "/tmp --deadline 5                     | --deadline 5 is outside 10..600000 ms",
        "/tmp --deadline 700000                | --deadline 700000 is outside",
        "/nonexistent-upcall-guard-path        | cannot guard /nonexistent-upcall-guard-path: no such file or directory",
        "/tmp --rule 'permit open'             | --rule: 'permit' is not a verdict",
        "/tmp --rule 'deny read'               | 'read' is not an operation: use open, exec or any",
        "/tmp --rule 'deny exec uid=me'        | uid 'me' is not a number",
        "/tmp --rule 'deny exec user=1'        | 'user' is not a condition: use path=GLOB, uid=N or exe=GLOB",
        "/tmp --deny-exec '[a'                 | --deny-exec:",
    })
    void badInputIsAUsageError(String args, String message) {
        List<String> argv = new java.util.ArrayList<>(List.of("guard"));
        for (String a : args.split(" (?=(?:[^']*'[^']*')*[^']*$)")) {
            argv.add(a.replace("'", ""));
        }
        assertThat(cli.run(argv.toArray(String[]::new))).as(cli.err.toString()).isEqualTo(2);
        List<String> lines = cli.err.toString().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("upcall: ").contains(message);
        assertThat(lines.get(1)).isEqualTo("Try 'upcall guard --help' for more information.");
    }
}
