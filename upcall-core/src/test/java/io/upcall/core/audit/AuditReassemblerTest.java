package io.upcall.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.audit.Audit;
import io.upcall.protocol.audit.AuditRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reassembly scenarios, as named inputs: normal, interleaved, missing EOE, user messages, serial rollover, bound. */
class AuditReassemblerTest {
    private static final Instant T0 = Instant.parse("2026-12-02T07:00:00Z");
    private final AuditReassembler reassembler = new AuditReassembler(Duration.ofSeconds(2), 3);
    private final List<String> out = new ArrayList<>();

    private static AuditRecord record(int type, long serial) {
        return record(type, serial, 1_796_194_330L);
    }

    private static AuditRecord record(int type, long serial, long seconds) {
        return new AuditRecord(type, seconds, 65, serial, List.of());
    }

    private void add(AuditRecord r, long atMillis) {
        reassembler.add(r, T0.plusMillis(atMillis), rs -> out.add(describe(rs)));
    }

    private static String describe(List<AuditRecord> records) {
        StringBuilder s = new StringBuilder().append(records.getFirst().serial()).append(':');
        records.forEach(r -> s.append(' ').append(r.typeName()));
        return s.toString();
    }

    @Test
    void normalASyscallEndsAtItsEoe() {
        add(record(Audit.AUDIT_SYSCALL, 11), 0);
        add(record(Audit.AUDIT_CWD, 11), 0);
        add(record(Audit.AUDIT_PATH, 11), 0);
        assertThat(out).isEmpty();
        add(record(Audit.AUDIT_EOE, 11), 0);
        assertThat(out).containsExactly("11: SYSCALL CWD PATH");
        assertThat(reassembler.inFlight()).isZero();
    }

    @Test
    void interleavedAndOutOfOrderEventsEachGetTheirOwnRecords() {
        add(record(Audit.AUDIT_SYSCALL, 20), 0);
        add(record(Audit.AUDIT_SYSCALL, 21), 0);
        add(record(Audit.AUDIT_PATH, 21), 1);
        add(record(Audit.AUDIT_PATH, 20), 1);
        add(record(Audit.AUDIT_EOE, 21), 2);
        add(record(Audit.AUDIT_EOE, 20), 2);
        assertThat(out).containsExactly("21: SYSCALL PATH", "20: SYSCALL PATH");
    }

    @Test
    void aRecordAfterItsEventWentOutStartsANewOneEvenWhenItWasTheLastAddedTo() {
        add(record(Audit.AUDIT_SYSCALL, 30), 0);
        add(record(Audit.AUDIT_EOE, 30), 0);
        add(record(Audit.AUDIT_PATH, 30), 1); // the serial's event is gone: a new one
        add(record(Audit.AUDIT_SYSCALL, 31), 2);
        add(record(Audit.AUDIT_CWD, 31), 2500); // 30's PATH timed out; 31's event had waited 2.5 s too
        add(record(Audit.AUDIT_EOE, 31), 2500);
        add(record(Audit.AUDIT_SYSCALL, 32), 5000);
        reassembler.flush(rs -> out.add(describe(rs)));
        add(record(Audit.AUDIT_PATH, 32), 5000); // after a flush: a new event, not the flushed one
        reassembler.flush(rs -> out.add(describe(rs)));
        assertThat(out).containsExactly("30: SYSCALL", "30: PATH", "31: SYSCALL", "31: CWD", "32: SYSCALL", "32: PATH");
    }

    @Test
    void anEventWithoutEoeEndsAfterTheTimeoutAndNotBefore() {
        add(record(Audit.AUDIT_CONFIG_CHANGE, 30), 0);
        reassembler.expire(T0.plusMillis(1999), rs -> out.add(describe(rs)));
        assertThat(out).isEmpty();
        reassembler.expire(T0.plusMillis(2000), rs -> out.add(describe(rs)));
        assertThat(out).containsExactly("30: CONFIG_CHANGE");
    }

    @Test
    void aLaterRecordLetsAnExpiredEventGoFirst() {
        add(record(Audit.AUDIT_CONFIG_CHANGE, 30), 0);
        add(record(Audit.AUDIT_SYSCALL, 31), 5000);
        add(record(Audit.AUDIT_EOE, 31), 5000);
        assertThat(out).containsExactly("30: CONFIG_CHANGE", "31: SYSCALL");
    }

    @Test
    void aUserMessageIsAnEventAtOnce() {
        add(record(1112, 264), 0);
        assertThat(out).containsExactly("264: USER_LOGIN");
        assertThat(reassembler.inFlight()).isZero();
    }

    @Test
    void aSerialSeenAgainWithAnotherTimeIsANewEvent() {
        add(record(Audit.AUDIT_SYSCALL, 4_294_967_295L, 100), 0);
        add(record(Audit.AUDIT_SYSCALL, 4_294_967_295L, 200), 1);
        add(record(Audit.AUDIT_EOE, 4_294_967_295L, 200), 1);
        assertThat(out).containsExactly("4294967295: SYSCALL", "4294967295: SYSCALL");
    }

    @Test
    void serialsRollingOverToSmallNumbersAreNotConfused() {
        add(record(Audit.AUDIT_SYSCALL, 4_294_967_295L), 0);
        add(record(Audit.AUDIT_SYSCALL, 0), 0);
        add(record(Audit.AUDIT_EOE, 0), 0);
        add(record(Audit.AUDIT_EOE, 4_294_967_295L), 0);
        assertThat(out).containsExactly("0: SYSCALL", "4294967295: SYSCALL");
    }

    @Test
    void pastTheBoundTheOldestGoesOutAsItIsNothingIsDropped() {
        for (int s = 1; s <= 5; s++) {
            add(record(Audit.AUDIT_SYSCALL, s), 0);
        }
        assertThat(out).containsExactly("1: SYSCALL", "2: SYSCALL");
        assertThat(reassembler.inFlight()).isEqualTo(3);
        reassembler.flush(rs -> out.add(describe(rs)));
        assertThat(out).containsExactly("1: SYSCALL", "2: SYSCALL", "3: SYSCALL", "4: SYSCALL", "5: SYSCALL");
    }

    @Test
    void aLoneEoeEndsNothing() {
        add(record(Audit.AUDIT_EOE, 9), 0);
        assertThat(out).isEmpty();
        assertThat(reassembler.inFlight()).isZero();
    }
}
