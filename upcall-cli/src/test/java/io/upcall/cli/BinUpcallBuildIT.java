package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command on a fresh clone, twice at once: two {@code bin/upcall --version} on a copy of the
 * sources without a jar both succeed (they both failed: "Unable to access jarfile", shade "Could not replace
 * original artifact"), one of them building with real Maven while the other waits, and no terminal escape codes
 * reach a redirected stderr. About 20 s; needs Maven with its cache filled (by the build that runs this test).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BinUpcallBuildIT {
    @TempDir
    Path copy;

    /** The sources bin/upcall builds from: poms, main sources and resources, bin/. No target, no tests, no .git. */
    private void copySources(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path rel = root.relativize(file);
                String r = "/" + rel + "/";
                if (r.contains("/target/") || r.contains("/.git/") || r.contains("/src/test/") || r.contains("/bench-work/")
                        || !Files.isRegularFile(file)) {
                    continue;
                }
                if (r.startsWith("/bin/") || r.contains("/src/main/") || file.getFileName().toString().equals("pom.xml")) {
                    Files.createDirectories(copy.resolve(rel).getParent());
                    Files.copy(file, copy.resolve(rel), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Test
    void twoFirstRunsAtOnceBothSucceed() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assumeTrue(Files.isExecutable(root.resolve("bin/upcall")), "needs bin/upcall in " + root);
        assumeTrue(Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "mvn"))),
                "needs Maven (mvn) on PATH");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/flock")), "needs flock (util-linux)");
        copySources(root);
        assertThat(copy.resolve("upcall-cli/target/upcall.jar")).doesNotExist();

        ProcessBuilder upcall = new ProcessBuilder(copy.resolve("bin/upcall").toString(), "--version");
        List<Process> runs = List.of(Child.start(upcall, copy.resolve("1")), Child.start(upcall, copy.resolve("2")));
        for (Process p : runs) {
            assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("bin/upcall --version ended").isTrue();
        }
        String err1 = Files.readString(copy.resolve("1.err"));
        String err2 = Files.readString(copy.resolve("2.err"));
        for (int i = 0; i < 2; i++) {
            String err = i == 0 ? err1 : err2;
            assertThat(runs.get(i).exitValue()).as(err).isZero();
            assertThat(Files.readString(copy.resolve((i + 1) + ".out"))).startsWith("upcall 0.1.0-SNAPSHOT (Java 25");
            assertThat(err).as("no escape codes on a redirected stderr").doesNotContain("\u001b");
        }
        assertThat(Stream.of(err1, err2).filter(e -> e.contains("upcall: building "))).as(err1 + err2).hasSize(1);
        assertThat(err1 + err2).contains("(first run) ...", "upcall:   Upcall :: CLI 0.1.0-SNAPSHOT [5/5]")
                .doesNotContain("Unable to access jarfile", "[ERROR]");
    }
}
