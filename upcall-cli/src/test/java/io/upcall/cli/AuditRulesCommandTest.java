package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code upcall audit rules add|delete} refuse what does not compile before touching the kernel: exit 2, the rule, the
 * character and the fix (so these run without root and change nothing).
 */
class AuditRulesCommandTest {
    @TempDir
    Path dir;

    private record Run(int status, String err) {}

    private static Run upcall(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(new ByteArrayOutputStream());
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), err.toString());
    }

    @Test
    void aRuleThatDoesNotCompileIsAUsageError() {
        Run r = upcall("audit", "rules", "add", "-a always,exit -F arch=b64 -S chroot -k ok", "-a always,exit -F uid<ab");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("rule '-a always,exit -F uid<ab' at character 23: 'ab' is not a user",
                "Try 'upcall audit rules add --help'");
    }

    @Test
    void addRefusesADeletionAndNothingToDo() {
        assertThat(upcall("audit", "rules", "add", "-d always,exit -S open").err())
                .contains("deletes a rule (-d, -W): use upcall audit rules delete");
        Run none = upcall("audit", "rules", "add");
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("give at least one RULE");
        assertThat(upcall("audit", "rules", "delete", "-W relative").err()).contains("-W takes an absolute path");
    }

    @Test
    void aRulesFileNamesTheLineAndSkipsConfiguration() throws Exception {
        Path file = Files.writeString(dir.resolve("audit.rules"), "# comment\n-D\n-b 8192\n\n-a always,exit -S nope\n");
        Run r = upcall("audit", "rules", "add", "-R", file.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains(file + ":2: skipped -D", file + ":3: skipped -b",
                file + ":5: rule '-a always,exit -S nope' at character 19: 'nope' is not a syscall on x86_64");
        Run missing = upcall("audit", "rules", "add", "-R", dir.resolve("none").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("none");
    }
}
