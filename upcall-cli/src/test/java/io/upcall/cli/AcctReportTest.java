package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code upcall acct report} over {@code fixtures/acct/report.jsonl}: exit records captured here from {@code upcall acct
 * --json} (three {@code true}, a {@code dd} writing 3 MiB, a {@code sleep}, a {@code sh} as nobody), a per-thread copy of
 * one, a loss report, a proc event, a line that is no JSON, and a {@code jobs run --json} record.
 */
class AcctReportTest {
    private static AcctReport read(AcctReport.By by) throws IOException {
        AcctReport report = new AcctReport(by);
        try (InputStream in = AcctReportTest.class.getResourceAsStream("/fixtures/acct/report.jsonl")) {
            AcctReportCommand.lines(in.readAllBytes(), report);
        }
        return report;
    }

    private static List<JsonNode> json(AcctReport report) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : report.json().lines().toList()) {
            out.add(new ObjectMapper().readTree(line));
        }
        return out;
    }

    private static JsonNode group(List<JsonNode> rows, String name) {
        return rows.stream().filter(r -> name.equals(r.get("group").asText(null))).findFirst().orElseThrow();
    }

    @Test
    void byCommandSumsExitRecordsAndLeavesThreadRecordsOut() throws IOException {
        AcctReport report = read(AcctReport.By.COMMAND);
        List<JsonNode> rows = json(report);
        assertThat(rows).hasSize(5); // dd, sleep, sh, true, total
        JsonNode t = group(rows, "true");
        assertThat(t.get("count").asLong()).isEqualTo(3);
        assertThat(t.get("elapsed_us").asLong()).isEqualTo(3930 + 2466 + 2122);
        assertThat(t.get("max_hiwater_rss_kb").asLong()).isEqualTo(1088);
        JsonNode dd = group(rows, "dd");
        assertThat(dd.get("write_bytes").asLong()).isEqualTo(3158016);
        assertThat(dd.get("system_cpu_us").asLong()).isEqualTo(12000);
        assertThat(rows.getFirst().get("group").asText()).as("the most CPU first, as sa sorts").isEqualTo("dd");
        JsonNode total = rows.getLast();
        assertThat(total.get("group").isNull()).isTrue();
        assertThat(total.get("count").asLong()).isEqualTo(6);
        assertThat(total.get("cpu_us").asLong()).isEqualTo(16000);
        assertThat(total.get("max_hiwater_rss_kb").asLong()).isEqualTo(2884);
        assertThat(total.get("loss_reports").asLong()).isEqualTo(1);
        assertThat(total.get("malformed_lines").asLong()).isEqualTo(1);
        assertThat(report.firstMalformed()).startsWith("line 10: expected a JSON object");
    }

    @Test
    void byUserTakesTheNameAndFallsBackToTheUid() throws IOException {
        List<JsonNode> rows = json(read(AcctReport.By.USER));
        assertThat(group(rows, "root").get("count").asLong()).isEqualTo(5);
        assertThat(group(rows, "65534").get("count").asLong()).isEqualTo(1);
    }

    @Test
    void byJobSumsJobRecords() throws IOException {
        List<JsonNode> rows = json(read(AcctReport.By.JOB));
        JsonNode build = group(rows, "build");
        assertThat(build.get("jobs").asLong()).isEqualTo(1);
        assertThat(build.get("processes").asLong()).isEqualTo(2);
        assertThat(build.get("write_bytes").asLong()).isEqualTo(2109440);
    }

    @Test
    void theTableStartsWithTheTotal() throws IOException {
        List<String> lines = read(AcctReport.By.COMMAND).table().lines().toList();
        assertThat(lines.get(0)).contains("count", "cpu_s", "command");
        assertThat(lines.get(1)).endsWith("(total)").contains("  0.016 ");
        assertThat(lines.get(2)).endsWith("dd");
    }

    @Test
    void aCaptureIsToldFromJsonLinesByItsMagic() {
        assertThat(AcctReportCommand.isCapture(new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 0})).isTrue();
        assertThat(AcctReportCommand.isCapture(new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1})).isTrue();
        assertThat(AcctReportCommand.isCapture("{\"source\":\"acct\"}".getBytes())).isFalse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonLinesAreReadWithTheirEscapesAndBadOnesRefusedWithTheColumn() {
        Map<String, Object> m = JsonLine.object("{\"a\": \"x\\\"y\\u00e9\", \"b\": [1, -2.5e3, true, null], \"c\": {}}");
        assertThat(m.get("a")).isEqualTo("x\"y\u00e9");
        assertThat((List<Object>) m.get("b")).containsExactly(1L, -2500.0, true, null);
        assertThatThrownBy(() -> JsonLine.object("{\"a\": 1,}")).hasMessageContaining("column 9");
        assertThatThrownBy(() -> JsonLine.object("[1]")).hasMessageContaining("a JSON object");
    }
}
