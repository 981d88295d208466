package io.upcall.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** pidfds and Unix sockets against the running kernel; neither needs privilege. */
@Timeout(30)
class PidfdKernelIT {

    @Test
    void queuesASignalThroughAPidfdAndSeesTheExit() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try (Pidfd pidfd = Pidfd.open((int) sleeper.pid())) {
            assertThat(pidfd.hasExited()).isFalse();
            assertThat(pidfd.queueSignal(Signals.SIGTERM, 1234)).isZero();
            assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sleeper.exitValue()).isEqualTo(128 + Signals.SIGTERM);
            assertThat(pidfd.hasExited()).isTrue();
            assertThat(pidfd.queueSignal(Signals.SIGTERM, 1)).isEqualTo(Errno.ESRCH);
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void refusesAPidThatDoesNotExist() {
        assertThatThrownBy(() -> Pidfd.open(Integer.MAX_VALUE))
                .isInstanceOf(LinuxException.class)
                .hasMessage("pidfd_open(2147483647) failed: ESRCH (No such process)");
    }

    @Test
    void closedPidfdSendsNothing() throws Exception {
        Pidfd pidfd = Pidfd.open(NetlinkSocket.getpid());
        pidfd.close();
        pidfd.close();
        assertThat(pidfd.queueSignal(Signals.SIGTERM, 0)).isEqualTo(Errno.EBADF);
    }

    @Test
    void unixServerTellsWhoConnected(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("s.sock");
        try (UnixServerSocket server = UnixServerSocket.listen(path, 4)) {
            assertThat(server.accept(0)).isNull();
            assertThatThrownBy(() -> UnixServerSocket.listen(path, 4))
                    .isInstanceOf(LinuxException.class)
                    .hasMessageContaining("EADDRINUSE");
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.connect(UnixDomainSocketAddress.of(path));
                client.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)));
                try (UnixConnection conn = server.accept(5_000)) {
                    assertThat(conn).isNotNull();
                    Ucred peer = conn.peerCredentials();
                    assertThat(peer.pid()).isEqualTo(NetlinkSocket.getpid());
                    assertThat(peer.uid()).isEqualTo((int) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid"));
                    byte[] buf = new byte[64];
                    int n = conn.read(buf, 0, buf.length, 5_000);
                    assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("hello\n");
                    conn.write("ok\n".getBytes(StandardCharsets.US_ASCII), 1_000);
                    client.shutdownOutput();
                    assertThat(conn.read(buf, 0, buf.length, 5_000)).isZero();
                }
                ByteBuffer reply = ByteBuffer.allocate(16);
                client.read(reply);
                assertThat(new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII)).isEqualTo("ok\n");
            }
        }
    }

    @Test
    void refusesASocketPathTooLongForSunPath(@TempDir Path dir) {
        assertThatThrownBy(() -> UnixServerSocket.listen(dir.resolve("x".repeat(120)), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the limit is 107");
    }
}
