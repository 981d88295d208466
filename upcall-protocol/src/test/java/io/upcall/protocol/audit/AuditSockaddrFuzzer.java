package io.upcall.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Any text as a SOCKADDR record's {@code saddr}: a result, never an exception; a port within 16 bits. Seeds: the
 * addresses of each family captured here ({@code fixtures/audit/sockaddr.log} in core), a short one and non-hex.
 */
class AuditSockaddrFuzzer {

    @FuzzTest(maxDuration = "30s")
    void decodeAnyText(byte[] input) {
        AuditSockaddr a = AuditSockaddr.decode(new String(input, StandardCharsets.UTF_8));
        assertThat(a.port()).isBetween(-1, 65535);
        assertThat(a.family() != null || a.malformed() != null).isTrue();
    }
}
