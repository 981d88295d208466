package io.upcall.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The terminal's width through TIOCGWINSZ: none on a pipe, the terminal's own under a pseudo-terminal. */
@Timeout(60)
class TerminalSizeTest {

    /** Run under {@code script}: prints the width of its standard output. */
    public static void main(String[] args) {
        System.out.println("columns=" + TerminalSize.columns(1));
    }

    @Test
    void aPipeOrAFileHasNoWidth() throws Exception {
        Process p = new ProcessBuilder(java(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                TerminalSizeTest.class.getName()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out.strip()).isEqualTo("columns=-1");
    }

    @Test
    void aPseudoTerminalSaysItsWidth() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs script(1) from util-linux for a pseudo-terminal");
        String inner = "stty cols 77 rows 20; exec '" + java() + "' --enable-native-access=ALL-UNNAMED -cp '"
                + System.getProperty("java.class.path") + "' " + TerminalSizeTest.class.getName();
        Process p = new ProcessBuilder("/usr/bin/script", "-qec", inner, "/dev/null").redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("columns=77");
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
