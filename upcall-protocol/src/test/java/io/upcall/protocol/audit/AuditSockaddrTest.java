package io.upcall.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * SOCKADDR values of each family, as the kernel wrote them here (python's connect and bind, captured from the audit
 * multicast group; the same lines are core's {@code fixtures/audit/sockaddr.log}), and what does not add up.
 */
class AuditSockaddrTest {
    @Test
    void eachFamilyAsCapturedHere() {
        assertThat(AuditSockaddr.decode("020000097F0000010000000000000000"))
                .isEqualTo(new AuditSockaddr("inet", "127.0.0.1", 9, null, -1, -1, null));
        assertThat(AuditSockaddr.decode("0A0001BB000000000000000000000000000000000000000100000000"))
                .isEqualTo(new AuditSockaddr("inet6", "::1", 443, null, -1, -1, null));
        assertThat(AuditSockaddr.decode("01002F746D702F757063616C6C20736F636B207061746800").path())
                .isEqualTo("/tmp/upcall sock path");
        assertThat(AuditSockaddr.decode("010000757063616C6C2D6162737472616374").path()).isEqualTo("@upcall-abstract");
        assertThat(AuditSockaddr.decode("100034540000000001000000"))
                .isEqualTo(new AuditSockaddr("netlink", null, -1, null, 0, 1, null));
        assertThat(AuditSockaddr.decode("110000000100000000000000EE7F00009A305EF5").family()).isEqualTo("17");
    }

    @Test
    void ipv6IsWrittenAsRfc5952Says() {
        byte[] b = new byte[16];
        b[0] = 0x20;
        b[1] = 0x01;
        b[2] = 0x0d;
        b[3] = (byte) 0xb8;
        b[15] = 1;
        assertThat(AuditSockaddr.ipv6(b, 0)).isEqualTo("2001:db8::1");
        assertThat(AuditSockaddr.ipv6(new byte[16], 0)).isEqualTo("::");
        b = new byte[16];
        b[1] = 1; // 1:0:0:1:0:0:0:1 -> the longer zero run is compressed
        b[7] = 1;
        b[15] = 1;
        assertThat(AuditSockaddr.ipv6(b, 0)).isEqualTo("1:0:0:1::1");
    }

    @Test
    void whatDoesNotAddUpSaysWhy() {
        assertThat(AuditSockaddr.decode("zz").malformed()).isEqualTo("not hex");
        assertThat(AuditSockaddr.decode("02").malformed()).isEqualTo("shorter than sa_family_t");
        assertThat(AuditSockaddr.decode("02000009").malformed()).isEqualTo("4 bytes, the address needs 8");
        assertThat(AuditSockaddr.decode("0100").path()).isEmpty();
    }
}
