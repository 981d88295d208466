package io.upcall.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.DecodeResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link AuditRecord.Field#printable()}: JSON copies a value marked printable without escaping, so the parser must
 * mark exactly the printable ASCII values without a quote or backslash, and agree with the public constructor.
 */
class AuditFieldPrintableTest {
    private static List<AuditRecord.Field> fields(String line) {
        DecodeResult<AuditRecord> r = AuditRecordParser.parseLogLine(line);
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded<AuditRecord>) r).value().fields();
    }

    @Test
    void theParserMarksPrintableValuesAsTheConstructorWould() {
        List<AuditRecord.Field> fields = fields("type=USER_CMD msg=audit(1.002:3): pid=1 cmd=2F746D702F61206222 "
                + "path=2F746D70 p=a\\b q=\"x\u00e9\" t=a\u007fb u=a\tb "
                + "msg='op=x exe=\"/bin/sh\" w=tab\\z'");
        assertThat(fields).extracting(AuditRecord.Field::name)
                .containsExactly("pid", "cmd", "path", "p", "q", "t", "u", "op", "exe", "w");
        assertThat(fields).extracting(AuditRecord.Field::printable)
                .containsExactly(true, false, true, false, false, false, false, true, true, false);
        for (AuditRecord.Field f : fields) {
            assertThat(new AuditRecord.Field(f.name(), f.value(), f.encoding()).printable()).as(f.name())
                    .isEqualTo(f.printable());
        }
    }
}
