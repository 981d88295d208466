package io.upcall.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The training run behind {@code bin/upcall}'s ahead-of-time cache (JDK 25, {@code -XX:AOTCacheOutput}): runs the
 * start path of the common commands once, in one JVM, so that the classes they load and link (picocli's model of
 * every command, the FFM downcalls, the channels, the JSON and table writers) go into the cache. Not a command: its
 * output goes nowhere, and a command that cannot run here (no privileges, a channel missing) still trains its start.
 * The live streams last a fraction of a second each and only listen, as {@code monitor} does (the read-only audit
 * group, no rule): nothing on the machine changes. Run as
 * {@code java -XX:AOTCacheOutput=FILE -cp upcall.jar io.upcall.cli.AotTraining}.
 */
final class AotTraining {
    /** Each command line, in turn; the JVM writes the cache when the last has ended. */
    private static final String[][] RUNS = {
        {"--version"},
        {"--help"},
        {"procs", "--help"},
        {"doctor"},
        {"procs", "--json", "--count", "50", "--duration", "300ms"},
        {"monitor", "--count", "50", "--duration", "300ms"},
        {"devices", "--json", "--count", "5", "--duration", "200ms"},
        {"no-such-command"},
    };

    /**
     * A small auditd log for {@code audit parse --json}, whose start (reading, parsing, reassembly, the summary and
     * the JSON of each record type) is most of a short parse's time: an execve with a hex argument, and a user message.
     */
    private static final String AUDIT_LOG = """
            type=SYSCALL msg=audit(1796202442.947:2196): arch=c000003e syscall=59 success=yes exit=0 a0=55cb7be3d6d0 \
            a1=55cb7be3dce0 a2=55cb7be3d780 a3=0 items=2 ppid=10923 pid=10957 auid=4294967295 uid=0 gid=0 euid=0 suid=0 \
            fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="seq" exe="/usr/bin/seq" key="upcall-training"
            type=EXECVE msg=audit(1796202442.947:2196): argc=3 a0="seq" a1=6120622063 a2="250"
            type=CWD msg=audit(1796202442.947:2196): cwd="/tmp"
            type=PATH msg=audit(1796202442.947:2196): item=0 name="/usr/bin/seq" inode=260855 dev=fe:00 mode=0100755 \
            ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0
            type=PROCTITLE msg=audit(1796202442.947:2196): proctitle=736571003100323530
            type=EOE msg=audit(1796202442.947:2196):\s
            type=USER_LOGIN msg=audit(1796202442.963:2206): pid=10963 uid=0 auid=4294967295 ses=4294967295 \
            msg='op=login id=1000 exe="/usr/sbin/sshd" hostname=host0.example addr=192.0.2.0 terminal=/dev/pts/0 res=success'
            """;

    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        Path log = Files.createTempFile("upcall-training", ".log");
        try {
            // Many times over, so that the training reaches the parse path's branches as a long log does.
            Files.writeString(log, AUDIT_LOG.repeat(200));
            train(RUNS);
            train(new String[][] {{"audit", "parse", "--json", log.toString()}, {"audit", "parse", log.toString()}});
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void train(String[][] runs) {
        for (String[] run : runs) {
            CommandLine cl = Main.commandLine(OutputStream.nullOutputStream());
            cl.setOut(new PrintWriter(OutputStream.nullOutputStream()));
            cl.setErr(new PrintWriter(OutputStream.nullOutputStream()));
            try {
                cl.execute(run);
            } catch (RuntimeException e) {
                // A command that fails here still trained what ran before it failed.
            }
        }
    }
}
