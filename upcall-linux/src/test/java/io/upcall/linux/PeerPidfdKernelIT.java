package io.upcall.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Who connected, as a pidfd (the exit of a peer is tested with the relay), and many connections on one thread. */
@Timeout(30)
class PeerPidfdKernelIT {
    @TempDir
    Path dir;

    private static Pidfd peerPidfdOrSkip(UnixConnection conn) {
        try {
            return conn.peerPidfd();
        } catch (LinuxException e) {
            assumeTrue(e.errno() != Errno.ENOPROTOOPT, "SO_PEERPIDFD needs Linux 6.5: " + e.getMessage());
            throw new AssertionError(e);
        }
    }

    @Test
    void thePeerPidfdNamesTheProcessThatConnected() throws Exception {
        Path path = dir.resolve("s.sock");
        try (UnixServerSocket server = UnixServerSocket.listen(path, 4);
                SocketChannel own = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            own.connect(UnixDomainSocketAddress.of(path));
            try (UnixConnection conn = server.accept(5_000); Pidfd peer = peerPidfdOrSkip(conn)) {
                assertThat(peer.pid()).isEqualTo(NetlinkSocket.getpid());
                assertThat(peer.hasExited()).isFalse();
                // It is a pidfd of this process: a signal this process ignores by default goes through.
                assertThat(peer.queueSignal(28, 0)).isZero();
            }
        }
    }

    @Test
    void oneThreadServesManyConnectionsWithoutWaitingOnAny() throws Exception {
        Path path = dir.resolve("many.sock");
        try (UnixServerSocket server = UnixServerSocket.listen(path, 16);
                SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX);
                SocketChannel talker = SocketChannel.open(StandardProtocolFamily.UNIX);
                PollSet poll = new PollSet(1)) {
            assertThat(server.acceptNow()).isNull(); // nobody waiting: no blocking
            silent.connect(UnixDomainSocketAddress.of(path));
            talker.connect(UnixDomainSocketAddress.of(path));
            try (UnixConnection first = server.acceptNow(); UnixConnection second = server.acceptNow()) {
                talker.write(ByteBuffer.wrap("hi\n".getBytes(StandardCharsets.US_ASCII)));
                poll.add(server);
                int a = poll.add(first, false); // grows past its first capacity
                int b = poll.add(second, false);
                assertThat(poll.poll(5_000)).isEqualTo(1);
                assertThat(poll.ready(a)).isFalse();
                assertThat(poll.ready(b)).isTrue();
                byte[] buf = new byte[16];
                assertThat(second.read(buf, 0, buf.length, 0)).isEqualTo(3);
                assertThat(first.read(buf, 0, buf.length, 0)).isEqualTo(-1); // nothing there: no waiting
                assertThat(second.send("ok\n".getBytes(StandardCharsets.US_ASCII), 0, 3)).isEqualTo(3);
                poll.clear();
                assertThat(poll.add(second, true)).isZero();
                assertThat(poll.poll(5_000)).isEqualTo(1); // room to write
            }
            ByteBuffer reply = ByteBuffer.allocate(16);
            talker.read(reply);
            assertThat(new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII)).isEqualTo("ok\n");
        }
    }
}
