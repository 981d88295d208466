package io.upcall.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which rule keys are Upcall's, and whose process is gone. */
class LeftoverRulesTest {
    @Test
    void findsTheKeysOfUpcallProcessesThatNoLongerRun() {
        List<String> keys = List.of("", "jail", "jail\u0001upcall-123-watch", "upcall-123-exec", "upcall-77-exec",
                "upcall-1a2b3c4d", "upcall-12345678", "xupcall-5-exec");
        Map<Long, List<String>> gone = LeftoverRules.find(keys, pid -> pid == 77);
        assertThat(gone).containsOnlyKeys(123L);
        assertThat(gone.get(123L)).containsExactly("upcall-123-watch", "upcall-123-exec");
        assertThat(LeftoverRules.describe(keys, pid -> pid == 77)).isEqualTo("2 rules left behind by Upcall processes "
                + "no longer running (pid 123); remove with: auditctl -D -k upcall-123-watch; auditctl -D -k upcall-123-exec");
    }

    @Test
    void nothingLeftBehindSaysSo() {
        assertThat(LeftoverRules.describe(List.of("jail", "upcall-5-exec"), pid -> true))
                .isEqualTo("no rules left behind by Upcall");
    }
}
