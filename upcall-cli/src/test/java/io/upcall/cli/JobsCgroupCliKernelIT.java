package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upcall.core.acct.JobCgroup;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14's cgroup acceptance: a job run in a cgroup of its own is accounted from its members' exit records, and the
 * records' CPU total is within 2 % of the cgroup's own {@code cpu.stat usage_usec}; {@code jobs add --cgroup} takes
 * over the processes of an existing cgroup. Cgroups are made under a directory named after this JVM and removed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JobsCgroupCliKernelIT {
    private static final Path JAR = Path.of("target/upcall.jar");
    private final String base = "upcall-it-" + ProcessHandle.current().pid();
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            Child.end(p);
        }
        Path dir = JobCgroup.resolve(base);
        for (int i = 0; i < 40 && Files.exists(dir); i++) {
            try (var children = Files.list(dir)) {
                for (Path c : children.filter(Files::isDirectory).toList()) {
                    Files.deleteIfExists(c);
                }
            }
            try {
                Files.deleteIfExists(dir);
            } catch (java.nio.file.FileSystemException busy) {
                Thread.sleep(50);
            }
        }
    }

    private static ProcessBuilder upcall(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(new File("."));
    }

    private static void assumeAccounting() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR.toAbsolutePath());
        try {
            JobCgroup.resolve("x");
        } catch (java.io.IOException e) {
            assumeTrue(false, "no cgroup v2 here: " + e.getMessage());
        }
        Child.Result doctor = Child.run(upcall("doctor"), 60);
        assumeTrue(doctor.out().lines().anyMatch(l -> l.startsWith("acct ") && l.contains(" available ")),
                "taskstats unavailable here: " + doctor.out());
    }

    @Test
    void aJobInItsOwnCgroupAgreesWithItsCpuStatWithinTwoPercent() throws Exception {
        assumeAccounting();
        Path cgroup = JobCgroup.resolve(base + "/busy");
        // About one second of CPU in two processes, bounded by CPU time (ulimit -t), not by the machine's load.
        Child.Result r = Child.run(upcall("jobs", "run", "--json", "--cgroup", base + "/busy", "--", "sh", "-c",
                "(ulimit -t 1; while :; do :; done) & (ulimit -t 1; while :; do :; done); wait"), 90);
        JsonNode job = new ObjectMapper().readTree(r.out());
        // Every exit on the machine comes through the acct socket: under another's fork storm records can be lost
        // (reported: then the sum is short by them, and there is nothing to compare).
        assumeTrue(job.get("loss").isEmpty(), "events were lost while the job ran: " + job.get("loss"));
        JsonNode c = job.get("cgroup");
        assertThat(c.get("path").asText()).isEqualTo(cgroup.toString());
        long usage = c.get("usage_us").asLong();
        long accounted = c.get("accounted_cpu_us").asLong();
        assertThat(usage).as(r.out()).isGreaterThan(1_000_000); // the CPU limit strikes at a tick: 0.75 s each or more
        assertThat(Math.abs(accounted - usage)).as("records %d us, cpu.stat %d us", accounted, usage)
                .isLessThanOrEqualTo(usage / 50);
        assertThat(c.get("cpu_difference_us").asLong()).isEqualTo(accounted - usage);
        assertThat(job.get("processes").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(job.get("unaccounted").asInt()).isZero();
        assertThat(cgroup).as("the cgroup Upcall made is removed").doesNotExist();
    }

    @Test
    void jobsAddTakesOverTheProcessesOfACgroup() throws Exception {
        assumeAccounting();
        Path cgroup = JobCgroup.resolve(base + "/existing");
        Files.createDirectories(cgroup);
        Path go = Files.createTempDirectory("upcall-it").resolve("go");
        assertThat(new ProcessBuilder("mkfifo", go.toString()).start().waitFor()).isZero();
        // The member waits on a fifo (read is a builtin: no process) until the job was taken over, then runs two more.
        Process p = new ProcessBuilder("sh", "-c", "echo 0 > \"$0/cgroup.procs\" && read x < \"$1\" && /bin/true && /bin/true",
                cgroup.toString(), go.toString()).start();
        started.add(p);
        for (int i = 0; i < 100 && !Files.readString(cgroup.resolve("cgroup.procs")).contains(Long.toString(p.pid())); i++) {
            Thread.sleep(20);
        }
        Process add = upcall("jobs", "add", "--json", "--cgroup", cgroup.toString()).start();
        started.add(add);
        // Taken over once both channels read (their threads exist) and a moment for the cgroup's processes to be read.
        for (int i = 0; i < 600 && !(threads(add).contains("upcall-acct") && threads(add).contains("upcall-proc")); i++) {
            Thread.sleep(50);
        }
        Thread.sleep(500);
        Files.writeString(go, "go\n");
        assertThat(add.waitFor(60, TimeUnit.SECONDS)).as("the job ended").isTrue();
        String out = new String(add.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String err = new String(add.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(add.exitValue()).as(err).isZero();
        JsonNode job = new ObjectMapper().readTree(out);
        assumeTrue(job.get("loss").isEmpty(), "events were lost while the job ran: " + job.get("loss"));
        assertThat(job.get("pid").asLong()).isEqualTo(p.pid());
        assertThat(job.get("processes").asInt()).as(out).isEqualTo(3); // sh and two true
        assertThat(job.get("cgroup").get("path").asText()).isEqualTo(cgroup.toString());
        assertThat(cgroup).as("a cgroup Upcall did not make stays").exists();
        assertThat(p.isAlive()).isFalse();
        Files.deleteIfExists(go);
        Files.deleteIfExists(go.getParent());
    }

    /** The names of a process's threads ({@code /proc/PID/task/TID/comm}). */
    private static List<String> threads(Process p) {
        List<String> names = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(p.pid()), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    names.add(Files.readString(t.resolve("comm")).strip());
                } catch (java.io.IOException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException gone) {
            // the process ended
        }
        return names;
    }

    @Test
    void aCgroupOutsideTheCgroupFileSystemIsRefused() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR.toAbsolutePath());
        Child.Result r = Child.run(upcall("jobs", "run", "--cgroup", "/tmp/not-a-cgroup", "--", "true"), 60);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("--cgroup /tmp/not-a-cgroup");
        assertThat(Path.of("/tmp/not-a-cgroup")).doesNotExist();
    }
}
