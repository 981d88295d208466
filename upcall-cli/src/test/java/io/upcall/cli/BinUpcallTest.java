package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/upcall}'s own logic, on a copy with a stand-in Maven and JDK (shell scripts), so it runs in seconds:
 * one build for two first runs at once, what it says while building, and which commands get a pre-touched heap.
 * BinUpcallBuildIT builds for real.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BinUpcallTest {
    @TempDir
    Path root;

    private Path builds;
    private Path args;
    private Path trainings;

    @BeforeEach
    void copyWithStandIns() throws Exception {
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("../bin/upcall"), root.resolve("bin/upcall"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Path source = root.resolve("upcall-cli/src/main/java/io/upcall/cli/Main.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class Main {}\n");
        builds = root.resolve("builds.txt");
        args = root.resolve("java-args.txt");
        trainings = root.resolve("trainings.txt");
        // A JDK 25 whose java writes down its arguments; a training run (-XX:AOTCacheOutput) writes a cache instead.
        java(0);
        Files.writeString(root.resolve("jdk/release"), "JAVA_VERSION=\"25.0.1\"\n");
        // A Maven that downloads, takes a second, says which module it builds, counts its builds and leaves the jar.
        script(root.resolve("maven/mvn"), "echo '[INFO] Downloaded from central: https://repo.maven.apache.org/x.pom'\n"
                + "sleep 1\necho built >> " + builds + "\n"
                + "echo '[INFO] Building Upcall :: CLI 0.1.0-SNAPSHOT                              [5/5]'\n"
                + "mkdir -p upcall-cli/target && echo jar > upcall-cli/target/upcall.jar\n");
    }

    /** The stand-in java; its training runs end with {@code trainingStatus} (and write a cache only with 0). */
    private void java(int trainingStatus) throws Exception {
        script(root.resolve("jdk/bin/java"), "for a in \"$@\"; do case \"$a\" in -XX:AOTCacheOutput=*)\n"
                + "  echo trained >> " + trainings + "\n"
                + "  [ " + trainingStatus + " = 0 ] && echo cache > \"${a#-XX:AOTCacheOutput=}\"\n"
                + "  exit " + trainingStatus + " ;; esac; done\n"
                + "printf '%s\\n' \"$@\" > " + args + "\necho upcall 0.1.0-SNAPSHOT\n");
    }

    private int trainings() throws Exception {
        return Files.exists(trainings) ? Files.readAllLines(trainings).size() : 0;
    }

    private static void script(Path file, String body) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private ProcessBuilder upcall(String... arguments) {
        ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(List.of(root.resolve("bin/upcall").toString())));
        pb.command().addAll(List.of(arguments));
        Map<String, String> env = pb.environment();
        env.put("UPCALL_JAVA_HOME", root.resolve("jdk").toString());
        env.put("PATH", root.resolve("maven") + ":/usr/bin:/bin");
        return pb;
    }

    private int builds() throws Exception {
        return Files.exists(builds) ? Files.readAllLines(builds).size() : 0;
    }

    @Test
    void twoFirstRunsAtOnceBuildOnceAndBothRun() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/flock")), "needs flock (util-linux)");
        Process first = upcall("--version").redirectErrorStream(true).start();
        Process second = upcall("--version").redirectErrorStream(true).start();
        assertThat(first.waitFor(30, TimeUnit.SECONDS) && second.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String one = new String(first.getInputStream().readAllBytes());
        String two = new String(second.getInputStream().readAllBytes());
        assertThat(first.exitValue()).as(one).isZero();
        assertThat(second.exitValue()).as(two).isZero();
        assertThat(one).endsWith("upcall 0.1.0-SNAPSHOT\n");
        assertThat(two).endsWith("upcall 0.1.0-SNAPSHOT\n");
        assertThat(builds()).isEqualTo(1);
        String builder = one.contains("upcall: building") ? one : two;
        assertThat(builder).contains("upcall: building " + root.resolve("upcall-cli/target/upcall.jar") + " (first run) ...",
                "upcall:   downloading Maven plugins and dependencies (a few minutes the first time) ...",
                "upcall:   Upcall :: CLI 0.1.0-SNAPSHOT [5/5]");
        assertThat(builder == one ? two : one).doesNotContain("upcall: building");
    }

    @Test
    void aRebuildSaysWhichSourceChangedAndAnUpToDateJarRunsWithoutAWord() throws Exception {
        assertThat(Child.run(upcall("--version"), 30).status()).isZero();
        Path source = root.resolve("upcall-cli/src/main/java/io/upcall/cli/Main.java");
        Files.setLastModifiedTime(source, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        Child.Result rebuilt = Child.run(upcall("--version"), 30);
        assertThat(rebuilt.status()).isZero();
        assertThat(rebuilt.err()).contains("upcall: rebuilding " + root.resolve("upcall-cli/target/upcall.jar")
                + " (sources changed: upcall-cli/src/main/java/io/upcall/cli/Main.java) ...").doesNotContain("first run");
        Files.setLastModifiedTime(source, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Child.Result quiet = Child.run(upcall("--version"), 30);
        assertThat(quiet.err()).isEmpty();
        assertThat(builds()).isEqualTo(2);
    }

    @Test
    void aFailedBuildShowsMavensErrorsAndWhereItsLogIs() throws Exception {
        script(root.resolve("maven/mvn"), "echo '[INFO] Scanning'\necho '[ERROR] COMPILATION ERROR: Main.java:[1,1] oops'\nexit 1\n");
        Child.Result r = Child.run(upcall("--version"), 30);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("upcall: the build failed; Maven said:", "[ERROR] COMPILATION ERROR: Main.java:[1,1] oops",
                "its whole log is " + root.resolve("upcall-cli/target/bin-upcall/build.log")).doesNotContain("[INFO] Scanning");
        assertThat(args).doesNotExist();
    }

    @Test
    void onlyStreamingCommandsGetAPreTouchedHeap() throws Exception {
        for (String command : new String[] {"monitor", "procs --json", "devices --env", "record x.pcapng", "relay serve"}) {
            assertThat(Child.run(upcall(command.split(" ")), 30).status()).isZero();
            assertThat(Files.readAllLines(args)).as(command).contains("-XX:+AlwaysPreTouch", "-Xms16m");
        }
        for (String command : new String[] {"--help", "--version", "procs --help", "devices trigger --dry-run",
                "relay processes", "replay x.pcapng", "doctor", "help procs", "monitor -h"}) {
            assertThat(Child.run(upcall(command.split(" ")), 30).status()).isZero();
            assertThat(Files.readAllLines(args)).as(command).doesNotContain("-XX:+AlwaysPreTouch", "-Xms16m")
                    .contains("-XX:+UseSerialGC");
        }
    }

    @Test
    void aBuildMakesTheAotCacheOnceAndEveryRunUsesIt() throws Exception {
        Path cache = root.resolve("upcall-cli/target/upcall.aot");
        Child.Result first = Child.run(upcall("--version"), 30);
        assertThat(first.status()).isZero();
        assertThat(first.err()).contains("upcall: making the start-up cache upcall-cli/target/upcall.aot");
        assertThat(cache).exists();
        assertThat(Files.readAllLines(args)).contains("-XX:AOTCache=" + cache, "-Xlog:aot*=off,cds*=off");
        Child.Result second = Child.run(upcall("procs", "--json"), 30);
        assertThat(second.err()).isEmpty();
        assertThat(Files.readAllLines(args)).contains("-XX:AOTCache=" + cache);
        assertThat(trainings()).isEqualTo(1);
    }

    @Test
    void aStaleCacheIsNeverUsed() throws Exception {
        Path cache = root.resolve("upcall-cli/target/upcall.aot");
        assertThat(Child.run(upcall("--version"), 30).status()).isZero();
        // The jar is newer than its cache, and the cache cannot be made again (the training fails): run without it.
        Files.setLastModifiedTime(cache, FileTime.fromMillis(System.currentTimeMillis() - 120_000));
        Files.setLastModifiedTime(root.resolve("upcall-cli/src/main/java/io/upcall/cli/Main.java"),
                FileTime.fromMillis(System.currentTimeMillis() - 180_000));
        java(1);
        Child.Result stale = Child.run(upcall("procs", "--json"), 30);
        assertThat(stale.status()).isZero();
        assertThat(Files.readAllLines(args)).contains("procs").noneMatch(a -> a.startsWith("-XX:AOTCache"));
    }

    @Test
    void aCacheOlderThanTheJarIsMadeAgain() throws Exception {
        Path cache = root.resolve("upcall-cli/target/upcall.aot");
        assertThat(Child.run(upcall("--version"), 30).status()).isZero();
        Files.setLastModifiedTime(cache, FileTime.fromMillis(System.currentTimeMillis() - 120_000));
        Files.setLastModifiedTime(root.resolve("upcall-cli/src/main/java/io/upcall/cli/Main.java"),
                FileTime.fromMillis(System.currentTimeMillis() - 180_000));
        Child.Result again = Child.run(upcall("--version"), 30);
        assertThat(again.status()).isZero();
        assertThat(again.err()).contains("upcall: making the start-up cache");
        assertThat(trainings()).isEqualTo(2);
        assertThat(Files.readAllLines(args)).contains("-XX:AOTCache=" + cache);
    }

    @Test
    void aFailedTrainingCostsOnlyTheCacheAndIsNotRetriedUntilTheJarChanges() throws Exception {
        java(1);
        Child.Result failed = Child.run(upcall("--version"), 30);
        assertThat(failed.status()).isZero();
        assertThat(failed.out()).isEqualTo("upcall 0.1.0-SNAPSHOT\n");
        assertThat(failed.err()).contains("upcall: could not make the start-up cache (see "
                + root.resolve("upcall-cli/target/bin-upcall/aot.log") + "); upcall runs without it");
        assertThat(root.resolve("upcall-cli/target/upcall.aot")).doesNotExist();
        assertThat(Files.readAllLines(args)).noneMatch(a -> a.startsWith("-XX:AOTCache"));
        Child.Result next = Child.run(upcall("--version"), 30);
        assertThat(next.status()).isZero();
        assertThat(next.err()).isEmpty();
        assertThat(trainings()).isEqualTo(1);
    }
}
