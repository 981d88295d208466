package io.upcall.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.GoldenUpdate;
import io.upcall.core.JsonEventWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * auditd logs read into events ({@link AuditLog}), compared with {@code fixtures/audit/<case>.golden.jsonl}.
 * {@code raw.log} is records captured from the kernel here (the protocol module's golden fixtures) written as auditd's
 * RAW format writes them ({@code type=NAME msg=...}); {@code enriched.log} is the same with {@code node=} and
 * ENRICHED interpretations after {@code \x1d} on the SYSCALL lines, plus two malformed lines. Regenerate with
 * {@code -Dupcall.golden.update=true} and review the diff.
 */
class AuditLogGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/fixtures/audit");

    @ParameterizedTest
    @ValueSource(strings = {"raw", "enriched", "sockaddr"})
    void readsAsReviewed(String name) throws IOException {
        StringBuilder actual = new StringBuilder();
        try (BufferedReader in = Files.newBufferedReader(DIR.resolve(name + ".log"))) {
            long lines = AuditLog.read(in, AuditOptions.defaults(), e -> actual.append(JsonEventWriter.toJson(e)).append('\n'));
            assertThat(lines).isPositive();
        }
        Path golden = DIR.resolve(name + ".golden.jsonl");
        if (Boolean.getBoolean("upcall.golden.update")) {
            GoldenUpdate.write(golden, actual.toString());
        }
        assertThat(actual.toString()).isEqualTo(Files.readString(golden));
    }

    /** The log read as bytes ({@code upcall audit parse}'s way) gives the same events as read as lines. */
    @ParameterizedTest
    @ValueSource(strings = {"raw", "enriched"})
    void readAsBytesAsReviewed(String name) throws IOException {
        StringBuilder actual = new StringBuilder();
        try (InputStream in = Files.newInputStream(DIR.resolve(name + ".log"))) {
            long lines = AuditLog.read(in, AuditOptions.defaults(), e -> actual.append(JsonEventWriter.toJson(e)).append('\n'));
            assertThat(lines).isEqualTo(Files.readAllLines(DIR.resolve(name + ".log")).size());
        }
        assertThat(actual.toString()).isEqualTo(Files.readString(DIR.resolve(name + ".golden.jsonl")));
    }
}
