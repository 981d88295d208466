package io.upcall.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The FFM boundary against the kernel: real sockets, real errnos. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NetlinkSocketKernelIT {

    @Test
    void opensBindsAndReportsItsPortId() throws Exception {
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE)) {
            s.bind(0);
            assertThat(s.portId()).isNotZero();
            assertThat(s.family()).isEqualTo(NetlinkSocket.NETLINK_ROUTE);
        }
    }

    @Test
    void anUnknownFamilyFailsWithTheSyscallAndErrno() {
        assertThatThrownBy(() -> NetlinkSocket.open(31))
                .isInstanceOf(LinuxException.class)
                .hasMessageStartingWith("socket(netlink family 31) failed: EPROTONOSUPPORT");
    }

    @Test
    void receivingFromAnEmptySocketReturnsNothingAndPollTimesOut() throws Exception {
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE);
                ReceiveBatch batch = new ReceiveBatch(4, 256)) {
            s.bind(0);
            assertThat(s.receive(batch)).isZero();
            assertThat(s.poll(20)).isFalse();
        }
    }

    @Test
    void forcesAReceiveBufferPastRmemMaxAsRoot() throws Exception {
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE)) {
            try {
                s.setReceiveBufferForce(8 << 20);
            } catch (LinuxException e) {
                assumeTrue(!e.isPermissionDenied(), "SO_RCVBUFFORCE needs CAP_NET_ADMIN: " + e.getMessage());
                throw e;
            }
            assertThat(s.receiveBuffer()).isEqualTo(16 << 20); // the kernel doubles the request
        }
    }

    @Test
    void closeIsIdempotent() throws Exception {
        NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE);
        s.close();
        s.close();
        assertThat(s.isClosed()).isTrue();
    }

    @Test
    void aMessageFromAnotherSocketShowsItsSenderAndCredentials() throws Exception {
        try (NetlinkSocket receiver = NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE);
                NetlinkSocket sender = NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE);
                ReceiveBatch batch = new ReceiveBatch(1, 256)) {
            receiver.bind(0);
            receiver.setPassCredentials(true);
            sender.bind(0);
            // NETLINK_ROUTE lets any socket unicast to any port: a stand-in for a forged message.
            byte[] msg = new byte[16];
            msg[0] = 16;
            sender.sendTo(receiver.portId(), msg);
            assertThat(receiver.poll(2000)).isTrue();
            assertThat(receiver.receive(batch)).isEqualTo(1);
            assertThat(batch.senderPort(0)).isEqualTo(sender.portId());
            assertThat(batch.data(0).byteSize()).isEqualTo(16);
            Ucred creds = batch.credentials(0);
            assertThat(creds).isNotNull();
            assertThat(creds.pid()).isEqualTo(NetlinkSocket.getpid());
        }
    }
}
