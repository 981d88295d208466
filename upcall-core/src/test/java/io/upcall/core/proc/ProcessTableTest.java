package io.upcall.core.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.procfs.ProcFs;
import io.upcall.core.procfs.UserNames;
import io.upcall.protocol.cnproc.ProcEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table against a fake {@code /proc}: what it reads, what it copies, what it forgets. */
class ProcessTableTest {
    @TempDir
    Path root;

    private Path proc;
    private ProcessTable table;

    @BeforeEach
    void setUp() throws IOException {
        proc = root.resolve("proc");
        Files.createDirectories(proc);
        Path passwd = root.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
        table = new ProcessTable(new ProcFs(proc), new UserNames(passwd));
        process(1, 0, "init", "/fake/sbin/init", "/sbin/init", 0);
        process(100, 1, "bash (login)", "/fake/bin/bash", "-bash", 1000);
    }

    private void process(int pid, int ppid, String comm, String exe, String cmdline, int uid) throws IOException {
        Path dir = proc.resolve(Integer.toString(pid));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("stat"), pid + " (" + comm + ") S " + ppid + " " + pid + " 0 0");
        Files.writeString(dir.resolve("comm"), comm + "\n");
        Files.writeString(dir.resolve("status"), "Name:\t" + comm + "\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n");
        Files.writeString(dir.resolve("cmdline"), cmdline.replace(' ', '\0') + "\0");
        Files.deleteIfExists(dir.resolve("exe"));
        Files.createSymbolicLink(dir.resolve("exe"), Path.of(exe));
    }

    private static ProcEvent.Fork fork(int parent, int child) {
        return new ProcEvent.Fork(0, 0, 0, parent, parent, child, child);
    }

    @Test
    void readsAProcessFromProcWithACommThatHoldsParentheses() {
        table.rescan();
        ProcessInfo bash = table.apply(new ProcEvent.Sid(0, 0, 0, 100, 100), false);
        assertThat(bash).isEqualTo(new ProcessInfo(100, 1, "bash (login)", "/fake/bin/bash", "-bash", 1000, "alice", java.util.List.of()));
    }

    @Test
    void aForkedChildInheritsItsParentWithoutReadingProc() {
        table.rescan();
        ProcessInfo child = table.apply(fork(100, 200), false);
        assertThat(child.pid()).isEqualTo(200);
        assertThat(child.ppid()).isEqualTo(100);
        assertThat(child.cmdline()).isEqualTo("-bash");
        assertThat(child.user()).isEqualTo("alice");
    }

    @Test
    void anExecReReadsTheProgramAndAnExitForgetsTheProcess() throws IOException {
        table.rescan();
        table.apply(fork(100, 200), false);
        process(200, 100, "ls", "/fake/bin/ls", "ls -l", 1000);
        ProcessInfo exec = table.apply(new ProcEvent.Exec(0, 0, 0, 200, 200), false);
        assertThat(exec.exe()).isEqualTo("/fake/bin/ls");
        assertThat(exec.cmdline()).isEqualTo("ls -l");
        assertThat(exec.comm()).isEqualTo("ls");

        Files.walk(proc.resolve("200")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        ProcessInfo exit = table.apply(new ProcEvent.Exit(0, 0, 0, 200, 200, 0, 17, 100, 100), false);
        assertThat(exit.cmdline()).isEqualTo("ls -l");
        assertThat(table.apply(new ProcEvent.Sid(0, 0, 0, 200, 200), false)).isNull();
    }

    @Test
    void aThreadExitKeepsItsProcess() {
        table.rescan();
        table.apply(new ProcEvent.Exit(0, 0, 0, 101, 100, 0, -1, 1, 1), false);
        assertThat(table.apply(new ProcEvent.Sid(0, 0, 0, 100, 100), false)).isNotNull();
    }

    @Test
    void followsUidAndCommChangesAndListsAncestors() {
        table.rescan();
        table.apply(fork(100, 200), false);
        table.apply(new ProcEvent.Uid(0, 0, 0, 200, 200, 0, 0), false);
        ProcessInfo renamed = table.apply(new ProcEvent.Comm(0, 0, 0, 200, 200, "worker"), true);
        assertThat(renamed.uid()).isZero();
        assertThat(renamed.user()).isEqualTo("root");
        assertThat(renamed.comm()).isEqualTo("worker");
        assertThat(renamed.ancestors()).containsExactly(new ProcessInfo.Ancestor(100, "bash (login)"),
                new ProcessInfo.Ancestor(1, "init"));
    }

    @Test
    void knowsTrees() {
        table.rescan();
        table.apply(fork(100, 200), false);
        table.apply(fork(200, 300), false);
        assertThat(table.isInTree(300, 100)).isTrue();
        assertThat(table.isInTree(300, 200)).isTrue();
        assertThat(table.isInTree(100, 200)).isFalse();
        assertThat(table.isInTree(999, 100)).isFalse();
    }

    @Test
    void aRescanForgetsTheDeadAndLearnsTheUnseen() throws IOException {
        table.rescan();
        table.apply(fork(100, 200), false);
        process(300, 1, "cron", "/fake/sbin/cron", "cron -f", 0);
        table.rescan();
        assertThat(table.size()).isEqualTo(3);
        assertThat(table.isInTree(200, 100)).isFalse();
    }

    /** Issue 11: the table was read at the first event, by when a process that was there at start may be gone. */
    @Test
    void theEnricherReadsProcWhenItIsMadeSoTheFirstEventFindsAProcessThatHasSinceExited() throws IOException {
        ProcessEnricher enricher = new ProcessEnricher(table, true, false, ProcessEnricher.NONE, ProcessEnricher.NONE,
                ProcessEnricher.NONE, ProcOptions.defaults().kernelMask(), java.time.Duration.ZERO);
        // bash exits before the first event comes: its /proc entry is gone.
        try (var files = Files.walk(proc.resolve("100"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        ProcessEvent exit = new ProcessEvent(java.time.Instant.EPOCH, new ProcEvent.Exit(0, 0, 0, 100, 100, 0, 17, 1, 1), null);
        ProcessEvent enriched = (ProcessEvent) enricher.process(exit);
        assertThat(enriched.process()).isNotNull();
        assertThat(enriched.process().cmdline()).isEqualTo("-bash");
    }

    /** Issue 11: --tree lost a descendant once its parent exited and the kernel reparented it. */
    @Test
    void aTreeKeepsAProcessWhoseParentExited() {
        table.rescan();
        ProcessEnricher enricher = new ProcessEnricher(table, false, false, ProcessEnricher.NONE, 100, ProcessEnricher.NONE,
                ProcOptions.defaults().kernelMask(), java.time.Duration.ZERO);
        java.util.function.Function<ProcEvent, Object> in = k -> enricher.process(new ProcessEvent(java.time.Instant.EPOCH, k,
                null));
        assertThat(in.apply(fork(100, 200))).isNotNull(); // sh, child of the root
        assertThat(in.apply(fork(200, 300))).isNotNull(); // its subshell
        assertThat(in.apply(new ProcEvent.Exit(0, 0, 0, 200, 200, 0, 17, 100, 100))).isNotNull(); // sh exits
        assertThat(in.apply(fork(300, 400))).as("the orphaned subshell's child").isNotNull();
        assertThat(in.apply(new ProcEvent.Exec(0, 0, 0, 400, 400))).isNotNull();
        assertThat(in.apply(fork(1, 500))).as("not of the tree").isNull();
    }
}
