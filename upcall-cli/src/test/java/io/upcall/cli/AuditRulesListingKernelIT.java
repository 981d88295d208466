package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 12's acceptance for rules, on the real kernel beside the real auditctl: 20 rule shapes added with auditctl
 * (syscall lists, fields with every operator, watches, exe, msgtype, the exclude, user, task and filesystem lists,
 * several keys); {@code upcall audit rules list} prints exactly auditctl -l's lines for them; {@code rules delete} of
 * each line removes them; {@code rules add} of each line puts them back, and auditctl -l prints the same lines again.
 * Other processes' rules do not matter: this run's rules carry a random key, or (lists where auditctl takes no key)
 * random ids, and only lines with those are compared. Whatever happens, the finally deletes exactly them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AuditRulesListingKernelIT {
    private static final Path AUDITCTL = Files.isExecutable(Path.of("/usr/sbin/auditctl")) ? Path.of("/usr/sbin/auditctl")
            : Path.of("/sbin/auditctl");

    @TempDir
    Path tmp;

    /** What upcall printed, and its exit status. */
    private record Run(int status, String out, String err) {}

    private static Run upcall(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(out);
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    private static Run auditctl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(AUDITCTL.toString()));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("auditctl %s ends", cmd).isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** The lines of {@code listing} that are this run's rules: holding one of the tokens. */
    private static List<String> ours(String listing, List<String> tokens) {
        return listing.lines().filter(l -> tokens.stream().anyMatch(t -> (l + " ").contains(t + " "))).toList();
    }

    @Test
    void rulesListPrintsWhatAuditctlPrintsAndEachLineAddsTheSameRuleBack() throws Exception {
        assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"), "needs root");
        assumeTrue(Files.isExecutable(AUDITCTL), "needs auditctl (Debian package auditd; .ci/run installs it) at "
                + AUDITCTL);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String key = "upcall-it-" + Long.toHexString(random.nextLong() & 0xffffffffffL);
        String key2 = key + "-2";
        long[] ids = random.longs(5, 100_000, 2_000_000_000).toArray();
        Path file = Files.createFile(tmp.resolve("watched"));
        Path file2 = Files.createFile(tmp.resolve("executed"));
        Path dir = Files.createDirectory(tmp.resolve("tree"));
        String k = " -k " + key;
        List<String> shapes = List.of(
                "-a always,exit -F arch=b64 -S chroot" + k,
                "-a always,exit -F arch=b64 -S openat,open,creat -F exit=-EACCES" + k,
                "-a always,exit -F arch=b32 -S open -S chmod -F success=0" + k,
                "-a never,exit -F arch=b64 -S all -F pid=" + ids[0] + k,
                "-a always,exit -F arch=b64 -S execve -F auid>=1000 -F auid!=unset" + k + " -k " + key2,
                "-a always,exit -F arch=b64 -S execve -F uid<5 -F euid>5 -F suid<=7 -F fsuid>=8" + k,
                "-a always,exit -F arch=b64 -S ioctl -F a0=0x10 -F a1!=22 -F a2>=0x1000 -F a3&0xff" + k,
                "-a always,exit -F arch=b64 -S chmod,fchmodat -F a3&=0 -F gid!=1 -F egid>=0 -F sgid<7 -F fsgid=2" + k,
                "-w " + file + " -p wa" + k,
                "-w " + dir + "/ -p rwxa" + k + " -k " + key2,
                "-a always,exit -F arch=b64 -S all -F exe=/usr/bin/true" + k,
                "-a always,exclude -F msgtype=USER_LOGIN -F auid=" + ids[1],
                "-a always,user -F uid=" + ids[2] + " -F msgtype=1100",
                "-a always,task -F uid=" + ids[3],
                "-a always,exit -F arch=b64 -S unlink -F filetype=file -F inode=1234 -F devmajor=8 -F devminor=1" + k,
                "-a always,exit -F arch=b64 -S kill -F sessionid=3 -F obj_uid=0 -F obj_gid=0 -F ppid!=1 -F loginuid=0" + k,
                "-a always,exit -F arch=b64 -S open -C uid!=euid -C auid=obj_uid" + k,
                "-a always,exit -F path=" + file2 + " -F perm=x" + k,
                "-a always,exit -F arch=b64 -S all -F exit=-2 -F success!=1 -F pers=0x8" + k,
                "-a always,filesystem -F fstype=tracefs -F key=" + key);
        List<String> tokens = List.of("key=" + key, "-k " + key, "auid=" + ids[1], "uid=" + ids[2], "uid=" + ids[3]);
        try {
            for (String shape : shapes) {
                Run r = auditctl(shape.split(" "));
                assertThat(r.status()).as("auditctl %s: %s", shape, r.err()).isZero();
            }
            List<String> expected = ours(auditctl("-l").out(), tokens);
            assertThat(expected).as("auditctl -l lists every shape once").hasSize(shapes.size());

            Run listed = upcall("audit", "rules", "list");
            assertThat(listed.status()).as(listed.err()).isZero();
            assertThat(ours(listed.out(), tokens)).containsExactlyElementsOf(expected);

            List<String> delete = new ArrayList<>(List.of("audit", "rules", "delete"));
            delete.addAll(expected);
            Run deleted = upcall(delete.toArray(String[]::new));
            assertThat(deleted.status()).as(deleted.err()).isZero();
            assertThat(ours(auditctl("-l").out(), tokens)).isEmpty();

            List<String> add = new ArrayList<>(List.of("audit", "rules", "add"));
            add.addAll(expected);
            Run added = upcall(add.toArray(String[]::new));
            assertThat(added.status()).as(added.err()).isZero();
            assertThat(ours(auditctl("-l").out(), tokens)).containsExactlyElementsOf(expected);
            assertThat(ours(upcall("audit", "rules", "list").out(), tokens)).containsExactlyElementsOf(expected);
        } finally {
            auditctl("-D", "-k", key); // the keyed rules (-k matches a substring: key2 too)
            auditctl("-d", "always,exclude", "-F", "msgtype=USER_LOGIN", "-F", "auid=" + ids[1]);
            auditctl("-d", "always,user", "-F", "uid=" + ids[2], "-F", "msgtype=1100");
            auditctl("-d", "always,task", "-F", "uid=" + ids[3]);
            assertThat(ours(auditctl("-l").out(), tokens)).as("this run's rules are gone").isEmpty();
            // The enabled flag is not this test's to check: rules are added and deleted whatever it is, and other
            // tests running at the same time (audit watch --rule) turn it on and off.
        }
    }

    @Test
    void clearWithoutYesSaysHowManyAndDeletesNothing() throws Exception {
        assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"), "needs root");
        String key = "upcall-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
        try {
            Run added = upcall("audit", "rules", "add", "-a always,exit -F arch=b64 -S chroot -k " + key,
                    "-w /etc/hostname -p wa -k " + key);
            assertThat(added.status()).as(added.err()).isZero();
            Run refused = upcall("audit", "rules", "clear", "--key", key);
            assertThat(refused.status()).isEqualTo(2);
            assertThat(refused.err()).contains("this would delete 2 audit rules with key " + key, "--yes");
            assertThat(upcall("audit", "rules", "list", "--key", key).out().lines()).hasSize(2);
            Run cleared = upcall("audit", "rules", "clear", "--key", key, "--yes");
            assertThat(cleared.status()).as(cleared.err()).isZero();
            assertThat(cleared.out()).isEqualTo("deleted 2 audit rules with key " + key + "\n");
            assertThat(upcall("audit", "rules", "list", "--key", key).out()).isEmpty();
        } finally {
            upcall("audit", "rules", "clear", "--key", key, "--yes");
        }
    }
}
