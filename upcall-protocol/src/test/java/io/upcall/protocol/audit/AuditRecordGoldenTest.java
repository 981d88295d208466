package io.upcall.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.netlink.NetlinkCursor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Audit records as the kernel sent them on {@code AUDIT_NLGRP_READLOG} here (Linux 6.18, captured with a plain
 * netlink socket while {@code auditctl} rules were in place; user messages sent with {@code AUDIT_USER_*}), one
 * datagram per line in hex ({@code records/<case>.hex}), parsed and compared with {@code records/<case>.golden}.
 * Regenerate with {@code -Dupcall.golden.update=true} and review the diff; such a run never passes.
 */
class AuditRecordGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/io/upcall/protocol/audit/records");
    private static final boolean UPDATE = Boolean.getBoolean("upcall.golden.update");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".hex"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void parsesAsReviewed(String name) throws IOException {
        StringBuilder actual = new StringBuilder();
        NetlinkCursor cursor = new NetlinkCursor();
        for (String line : Files.readAllLines(DIR.resolve(name + ".hex"))) {
            MemorySegment datagram = MemorySegment.ofArray(HexFormat.of().parseHex(line.strip()));
            cursor.reset(datagram);
            while (cursor.next()) {
                actual.append(render(AuditRecordParser.parse(cursor.type(), datagram, cursor.payloadOffset(),
                        cursor.payloadLength()))).append('\n');
            }
            assertThat(cursor.malformedKind()).isNull();
        }
        compare(DIR.resolve(name + ".golden"), actual.toString());
    }

    @ParameterizedTest
    @MethodSource("logCases")
    void logLinesParseAsReviewed(String name) throws IOException {
        StringBuilder actual = new StringBuilder();
        for (String line : Files.readAllLines(DIR.resolve(name + ".log"))) {
            actual.append(render(AuditRecordParser.parseLogLine(line))).append('\n');
        }
        compare(DIR.resolve(name + ".log.golden"), actual.toString());
    }

    static List<String> logCases() {
        return List.of("malformed", "log_formats");
    }

    /** One line per record: type, time, serial, then each field as {@code name=value} with its encoding. */
    static String render(DecodeResult<AuditRecord> r) {
        return switch (r) {
            case DecodeResult.Decoded<AuditRecord>(AuditRecord a) -> {
                StringBuilder s = new StringBuilder(a.typeName()).append(' ').append(a.seconds()).append('.')
                        .append(String.format("%03d", a.millis())).append(':').append(a.serial());
                for (AuditRecord.Field f : a.fields()) {
                    s.append(" | ").append(f.name()).append('=').append(f.value().replace("\n", "\\n"));
                    if (f.encoding() != AuditRecord.Encoding.PLAIN) {
                        s.append(" (").append(f.encoding().name().toLowerCase()).append(')');
                    }
                }
                yield s.toString();
            }
            case DecodeResult.Malformed<AuditRecord> m -> "MALFORMED " + m.kind() + " at " + m.offset() + ": " + m.detail();
            case DecodeResult.Skipped<AuditRecord> s -> "SKIPPED " + s.reason();
        };
    }

    private static void compare(Path golden, String actual) throws IOException {
        if (UPDATE) {
            String before = Files.exists(golden) ? Files.readString(golden) : null;
            if (actual.equals(before)) {
                Assumptions.abort("update mode: " + golden + " is unchanged");
            }
            Files.writeString(golden, actual);
            fail("update mode: wrote " + golden + "; review the diff, then run without -Dupcall.golden.update");
        }
        assertThat(actual).isEqualTo(Files.readString(golden));
    }
}
