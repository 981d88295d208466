package io.upcall.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.JsonEventWriter;
import io.upcall.protocol.audit.Audit;
import io.upcall.protocol.audit.AuditRecord;
import io.upcall.protocol.audit.AuditRecord.Encoding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The argv an EXECVE gives (one pass over its fields) and the records' fields in JSON (a repeated name once). */
class AuditEventFieldsTest {
    private static AuditRecord.Field f(String name, String value) {
        return new AuditRecord.Field(name, value, Encoding.PLAIN);
    }

    private static AuditEvent event(List<AuditRecord> records) {
        return AuditEvent.of(records);
    }

    @Test
    void argvFromWholeAndSplitArgumentsAcrossRecords() {
        AuditRecord first = new AuditRecord(Audit.AUDIT_EXECVE, 1, 0, 7, List.of(f("argc", "4"), f("a0", "/bin/echo"),
                f("a1_len", "6"), f("a1[1]", "def"), f("a1[0]", "abc")));
        AuditRecord second = new AuditRecord(Audit.AUDIT_EXECVE, 1, 0, 7, List.of(f("a2[0]", "x"), f("a2[2]", "z"),
                f("a01", "leading zero: not a1"), f("a0", "second a0: the first stays"), f("a3", "last"), f("a4", "beyond argc")));
        assertThat(AuditSummary.argv(event(List.of(first, second))))
                .containsExactly("/bin/echo", "abcdef", "x", "last"); // a2[1] missing: the pieces stop there
    }

    @Test
    void argvWithoutExecveIsTheProctitle() {
        AuditRecord title = new AuditRecord(Audit.AUDIT_PROCTITLE, 1, 0, 7, List.of(f("proctitle", "sh\0-c\0:")));
        assertThat(AuditSummary.argv(event(List.of(title)))).containsExactly("sh", "-c", ":");
        AuditRecord cwd = new AuditRecord(Audit.AUDIT_CWD, 1, 0, 7, List.of(f("cwd", "/")));
        assertThat(AuditSummary.argv(event(List.of(cwd)))).isNull();
    }

    @Test
    void aRepeatedNameIsWrittenOnceTheFirstInSmallAndLargeRecords() {
        List<AuditRecord.Field> many = new ArrayList<>();
        many.add(f("argc", "100"));
        for (int i = 0; i < 100; i++) {
            many.add(f("a" + i, "v" + i));
        }
        many.add(f("a7", "again"));
        AuditRecord big = new AuditRecord(Audit.AUDIT_EXECVE, 1, 0, 7, many);
        AuditRecord user = new AuditRecord(1112, 1, 0, 8, List.of(f("pid", "1"), f("uid", "0"), f("op", "login"),
                f("pid", "2"), f("res", "success")));
        String bigJson = JsonEventWriter.toJson(event(List.of(big)));
        assertThat(bigJson).contains("\"a7\":\"v7\"").doesNotContain("again");
        String userJson = JsonEventWriter.toJson(event(List.of(user)));
        assertThat(userJson).contains("\"fields\":{\"pid\":\"1\",\"uid\":\"0\",\"op\":\"login\",\"res\":\"success\"}");
    }

    @Test
    void keysOneOrSeveral() {
        AuditRecord one = new AuditRecord(Audit.AUDIT_SYSCALL, 1, 0, 7, List.of(f("syscall", "59"), f("key", "k1")));
        AuditRecord two = new AuditRecord(Audit.AUDIT_SYSCALL, 1, 0, 7, List.of(f("syscall", "59"), f("key", "zz\u0001aa")));
        AuditRecord none = new AuditRecord(Audit.AUDIT_SYSCALL, 1, 0, 7, List.of(f("syscall", "59"), f("key", "(null)")));
        assertThat(AuditSummary.keyText(event(List.of(one)))).isEqualTo("k1");
        assertThat(AuditSummary.keyText(event(List.of(two)))).isEqualTo("aa,zz");
        assertThat(AuditSummary.keyText(event(List.of(none)))).isNull();
    }
}
