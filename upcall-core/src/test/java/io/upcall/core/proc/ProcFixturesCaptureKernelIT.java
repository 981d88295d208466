package io.upcall.core.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.KernelTests;
import io.upcall.linux.NetlinkSocket;
import io.upcall.linux.ReceiveBatch;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.cnproc.CnProc;
import io.upcall.protocol.cnproc.CnProcDecoder;
import io.upcall.protocol.cnproc.CnProcEncoder;
import io.upcall.protocol.cnproc.ProcEvent;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Re-captures the proc-connector golden fixtures from this kernel: one raw datagram per event kind,
 * written to {@code src/test/resources/fixtures/proc/<case>.bin}. Off by default; run with
 * {@code mvn -B verify -pl upcall-core -am -Dit.test=ProcFixturesCaptureKernelIT -Dupcall.capture=true
 * -Dsurefire.failIfNoSpecifiedTests=false}, then regenerate the expected JSON with {@code -Dupcall.golden.update=true}
 * and review both in the diff.
 */
@EnabledIfSystemProperty(named = "upcall.capture", matches = "true")
class ProcFixturesCaptureKernelIT {
    private static final Path OUT = Path.of("src/test/resources/fixtures/proc");

    /** A shell that makes the kernel send every event type once, in its own process tree. */
    private static final String SCRIPT = String.join("\n",
            "sleep 0.3",
            "(exit 7)",
            "/bin/true",
            "sleep 5 & kill -9 $!; wait",
            "setsid /bin/true",
            "setpriv --reuid=65534 --regid=65534 --clear-groups /bin/true",
            "printf renamed > /proc/$$/comm",
            "sh -c 'ulimit -c 0; kill -SEGV $$'",
            "python3 -c 'import threading; t = threading.Thread(target=lambda: None); t.start(); t.join()'",
            "python3 -c '" + "import ctypes, os, signal, time\n"
                    + "libc = ctypes.CDLL(None, use_errno=True)\n"
                    + "pid = os.fork()\n"
                    + "if pid == 0:\n    time.sleep(5)\n    os._exit(0)\n"
                    + "libc.ptrace(16, pid, 0, 0); os.waitpid(pid, 0); libc.ptrace(17, pid, 0, 0)\n"
                    + "os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0)'",
            "sleep 0.3");

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void captureOneDatagramPerEventKind() throws Exception {
        KernelTests.assumeProcConnector();
        Map<String, Predicate<ProcEvent>> cases = new LinkedHashMap<>();
        Set<Integer> tree = new HashSet<>();
        cases.put("ack", e -> e instanceof ProcEvent.Ack);
        cases.put("fork", e -> e instanceof ProcEvent.Fork f && !f.thread() && tree.contains(f.parentTgid()));
        cases.put("fork_thread", e -> e instanceof ProcEvent.Fork f && f.thread() && tree.contains(f.childTgid()));
        cases.put("exec", e -> e instanceof ProcEvent.Exec x && tree.contains(x.tgid()));
        cases.put("exit_status_7", e -> e instanceof ProcEvent.Exit x && tree.contains(x.tgid()) && x.exitedNormally()
                && x.status() == 7);
        cases.put("exit_sigkill", e -> e instanceof ProcEvent.Exit x && tree.contains(x.tgid()) && x.termSignal() == 9);
        cases.put("exit_sigsegv", e -> e instanceof ProcEvent.Exit x && tree.contains(x.tgid()) && x.termSignal() == 11);
        cases.put("exit_thread", e -> e instanceof ProcEvent.Exit x && tree.contains(x.tgid()) && x.pid() != x.tgid());
        cases.put("uid", e -> e instanceof ProcEvent.Uid u && tree.contains(u.tgid()));
        cases.put("gid", e -> e instanceof ProcEvent.Gid g && tree.contains(g.tgid()));
        cases.put("sid", e -> e instanceof ProcEvent.Sid s && tree.contains(s.tgid()));
        cases.put("comm", e -> e instanceof ProcEvent.Comm c && tree.contains(c.tgid()) && c.comm().equals("renamed"));
        cases.put("ptrace_attach", e -> e instanceof ProcEvent.Ptrace p && tree.contains(p.tgid()) && p.tracerPid() != 0);
        cases.put("ptrace_detach", e -> e instanceof ProcEvent.Ptrace p && tree.contains(p.tgid()) && p.tracerPid() == 0);
        cases.put("coredump", e -> e instanceof ProcEvent.Coredump c && tree.contains(c.tgid()));

        Map<String, byte[]> captured = new LinkedHashMap<>();
        NetlinkCursor cursor = new NetlinkCursor();
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkSocket.NETLINK_CONNECTOR);
                ReceiveBatch batch = new ReceiveBatch(64, 512)) {
            socket.setReceiveBufferForce(8 << 20);
            socket.bind(1 << (CnProc.CN_IDX_PROC - 1));
            socket.send(CnProcEncoder.mcastOp(CnProc.PROC_CN_MCAST_LISTEN, 1, socket.portId()));
            Process script = new ProcessBuilder("sh", "-c", SCRIPT).inheritIO().start();
            tree.add((int) script.pid());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && captured.size() < cases.size()) {
                int n = socket.receive(batch);
                if (n <= 0) {
                    if (!script.isAlive() && !socket.poll(500)) {
                        break;
                    }
                    socket.poll(100);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    cursor.reset(batch.data(i));
                    if (batch.senderPort(i) != 0 || !cursor.next()) {
                        continue;
                    }
                    if (CnProcDecoder.decode(batch.data(i), cursor.payloadOffset(), cursor.payloadLength())
                            instanceof DecodeResult.Decoded<ProcEvent>(ProcEvent event)) {
                        if (event instanceof ProcEvent.Fork f && tree.contains(f.parentTgid())) {
                            tree.add(f.childTgid());
                        }
                        for (var c : cases.entrySet()) {
                            if (!captured.containsKey(c.getKey()) && c.getValue().test(event)) {
                                captured.put(c.getKey(), batch.data(i).toArray(ValueLayout.JAVA_BYTE));
                            }
                        }
                    }
                }
            }
            script.waitFor(10, TimeUnit.SECONDS);
            socket.send(CnProcEncoder.mcastOp(CnProc.PROC_CN_MCAST_IGNORE, 1, socket.portId()));
        }
        // All or nothing: a partial capture must not replace reviewed fixtures.
        assertThat(captured.keySet()).containsExactlyInAnyOrderElementsOf(cases.keySet());
        Files.createDirectories(OUT);
        for (var e : captured.entrySet()) {
            Files.write(OUT.resolve(e.getKey() + ".bin"), e.getValue());
        }
    }
}
