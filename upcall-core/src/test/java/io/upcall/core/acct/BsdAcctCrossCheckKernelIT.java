package io.upcall.core.acct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.Upcall;
import io.upcall.core.channel.Availability;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's cross-check with BSD process accounting ({@code acct(2)}, through the {@code acct} package's
 * {@code accton} and {@code dump-acct}): over the workload, Upcall's exit records and the kernel's BSD records
 * name the same processes (pid by pid) with the same commands, and CPU agrees within the BSD records' resolution
 * (user and system each truncated to a tick of {@code AHZ} = 100 Hz).
 *
 * <p>The workload runs under a group id of its own ({@code setpriv --regid}), so both sides are filtered to it and
 * whatever else the machine runs does not count. Accounting is switched on to a temporary file and off in
 * {@code finally}; if the default file ({@code /var/log/account/pacct}) was receiving records before, it is switched
 * back to that file instead. ({@code acct(2)} cannot be asked which file is in use, so a non-default file in use before
 * cannot be restored: the test then skips, having seen the default file not grow, only if the default is in use.)
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BsdAcctCrossCheckKernelIT {
    private static final Path DEFAULT_PACCT = Path.of("/var/log/account/pacct");
    /** BSD accounting's clock: {@code AHZ}, 100 on Linux; its CPU figures are whole ticks, truncated. */
    private static final long TICK_US = 10_000;

    @TempDir
    Path tmp;

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    /** Whether BSD accounting writes to the default file now: it grows when a process ends. */
    private static boolean defaultFileInUse() throws Exception {
        if (!Files.isRegularFile(DEFAULT_PACCT)) {
            return false;
        }
        long before = Files.size(DEFAULT_PACCT);
        new ProcessBuilder("/bin/true").start().waitFor(10, TimeUnit.SECONDS);
        Thread.sleep(200);
        return Files.size(DEFAULT_PACCT) > before;
    }

    @Test
    void upcallAndBsdAccountingAgreeOnTheProcessesAndTheirCpu() throws Exception {
        Availability a = AcctChannel.INSTANCE.probe();
        assumeTrue(a.available(), a.detail());
        assumeTrue(onPath("accton") && onPath("dump-acct"), "the acct package (accton, dump-acct) is not installed");
        assumeTrue(onPath("setpriv"), "setpriv (util-linux) is not installed");
        boolean restoreDefault = defaultFileInUse();
        int gid = 40_000 + (int) (ProcessHandle.current().pid() % 20_000);
        Path pacct = tmp.resolve("pacct");
        Files.createFile(pacct);

        List<Event> seen = Collections.synchronizedList(new ArrayList<>());
        try (Upcall upcall = Upcall.builder().source(AcctOptions.defaults()).subscribe((e, end) -> seen.add(e)).start()) {
            run("accton", pacct.toString());
            try {
                ProcessBuilder p = new ProcessBuilder("setpriv", "--regid=" + gid, "--clear-groups", "sh", "-c",
                        "for i in $(seq 50); do /bin/true; done; (setsid sh -c \"dd if=/dev/zero of=$TMP/f bs=1M count=20 "
                                + "conv=fsync 2>/dev/null\" &); wait").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
                p.environment().put("TMP", tmp.toString());
                Process started = p.start();
                assertThat(started.waitFor(60, TimeUnit.SECONDS)).isTrue();
                // The detached dd goes on after the shell: wait for its record (bounded by count and time).
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                for (int i = 0; i < 600 && System.nanoTime() < deadline && ours(seen, gid).stream()
                        .noneMatch(r -> "dd".equals(r.stats().comm())); i++) {
                    Thread.sleep(100);
                }
                Thread.sleep(300);
            } finally {
                run("accton", restoreDefault ? DEFAULT_PACCT.toString() : "off");
            }
        }
        assumeTrue(seen.stream().noneMatch(e -> e instanceof LossEvent), "Upcall's stream reported loss: " + seen.stream()
                .filter(e -> e instanceof LossEvent).toList());

        Map<Long, AcctEvent> upcall = new TreeMap<>();
        for (AcctEvent r : ours(seen, gid)) {
            upcall.put(r.pid(), r);
        }
        Map<Long, String[]> bsd = new TreeMap<>();
        for (String line : run("dump-acct", pacct.toString()).lines().toList()) {
            String[] f = line.split("\\|");
            if (f.length > 10 && f[6].strip().equals(Integer.toString(gid))) {
                bsd.put(Long.parseLong(f[9].strip()), f);
            }
        }
        assertThat(bsd).as("BSD records of the workload").hasSizeGreaterThanOrEqualTo(54);
        assertThat(upcall.keySet()).as("the same processes, pid by pid").isEqualTo(bsd.keySet());
        Map<String, Integer> upcallCommands = new HashMap<>();
        Map<String, Integer> bsdCommands = new HashMap<>();
        for (long pid : bsd.keySet()) {
            AcctEvent u = upcall.get(pid);
            String[] b = bsd.get(pid);
            upcallCommands.merge(u.stats().comm(), 1, Integer::sum);
            bsdCommands.merge(b[0].strip(), 1, Integer::sum);
            // dump-acct prints ticks of AHZ; each of user and system is truncated to a whole tick.
            long bsdUser = Math.round(Double.parseDouble(b[2].strip()) * TICK_US);
            long bsdSystem = Math.round(Double.parseDouble(b[3].strip()) * TICK_US);
            long user = u.stats().get(TaskstatsField.AC_UTIME);
            long system = u.stats().get(TaskstatsField.AC_STIME);
            assertThat(user - bsdUser).as("user CPU of %d %s: upcall %d us, BSD %d us", pid, b[0].strip(), user, bsdUser)
                    .isBetween(-TICK_US, TICK_US);
            assertThat(system - bsdSystem).as("system CPU of %d %s: upcall %d us, BSD %d us", pid, b[0].strip(), system,
                    bsdSystem).isBetween(-TICK_US, TICK_US);
        }
        assertThat(upcallCommands).as("commands and their counts").isEqualTo(bsdCommands);
        assertThat(upcallCommands).containsEntry("true", 50).containsEntry("dd", 1);
    }

    private static List<AcctEvent> ours(List<Event> seen, int gid) {
        synchronized (seen) {
            return seen.stream().filter(e -> e instanceof AcctEvent r && AcctEvent.EXIT.equals(r.type()) && r.gid() == gid)
                    .map(AcctEvent.class::cast).toList();
        }
    }
}
