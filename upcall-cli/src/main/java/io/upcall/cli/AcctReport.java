package io.upcall.cli;

import io.upcall.core.json.JsonBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Totals over accounting records, like GNU {@code sa} (by command or user) and CSA's {@code ja} (by job): records read
 * back from JSON Lines ({@code upcall acct --json}, {@code upcall jobs run --json}), one line at a time. Exit records
 * ({@code type: exit}) are summed by command or user; job records ({@code type: job}) by job name. Per-thread records
 * are left out (their group's record has them). Loss reports on the accounting channels are counted: a report over a
 * stream that lost records is short by them.
 */
final class AcctReport {
    enum By { COMMAND, USER, JOB }

    /** One group's sums. */
    static final class Totals {
        long count;
        long processes;
        long userUs;
        long systemUs;
        long elapsedUs;
        long readBytes;
        long writeBytes;
        long readChars;
        long writeChars;
        long maxRssKb;
        long minorFaults;
        long majorFaults;
        long voluntary;
        long involuntary;

        void add(Map<String, Object> r, long members) {
            count++;
            processes += members;
            userUs += n(r, "user_cpu_us");
            systemUs += n(r, "system_cpu_us");
            elapsedUs += n(r, "elapsed_us");
            readBytes += n(r, "read_bytes");
            writeBytes += n(r, "write_bytes");
            readChars += n(r, "read_chars");
            writeChars += n(r, "write_chars");
            maxRssKb = Math.max(maxRssKb, n(r, "hiwater_rss_kb"));
            minorFaults += n(r, "minor_faults");
            majorFaults += n(r, "major_faults");
            voluntary += n(r, "voluntary_switches");
            involuntary += n(r, "involuntary_switches");
        }

        long cpuUs() {
            return userUs + systemUs;
        }
    }

    private final By by;
    private final Map<String, Totals> groups = new TreeMap<>();
    private final Totals total = new Totals();
    private long losses;
    private long lossReports;
    private long malformed;
    private long firstMalformedLine;
    private String firstMalformedReason;

    AcctReport(By by) {
        this.by = by;
    }

    /** Reads one line ({@code number} counts from 1); a line that is no JSON object is counted, not fatal. */
    void line(String text, long number) {
        if (text.isBlank()) {
            return;
        }
        Map<String, Object> r;
        try {
            r = JsonLine.object(text);
        } catch (IllegalArgumentException e) {
            if (malformed++ == 0) {
                firstMalformedLine = number;
                firstMalformedReason = e.getMessage();
            }
            return;
        }
        accept(r);
    }

    void accept(Map<String, Object> r) {
        Object source = r.get("source");
        Object type = r.get("type");
        if ("upcall".equals(source) && "loss".equals(type) && isAccounting(r.get("channel"))) {
            lossReports++;
            losses += Math.max(1, n(r, "count"));
            return;
        }
        if (!"acct".equals(source)) {
            return;
        }
        if (by == By.JOB ? "job".equals(type) : "exit".equals(type)) {
            long members = by == By.JOB ? n(r, "processes") : 1;
            groups.computeIfAbsent(key(r), k -> new Totals()).add(r, members);
            total.add(r, members);
        }
    }

    /** Loss on the channels accounting is built from: exit records (acct), forks (proc), or Upcall's own queue. */
    private static boolean isAccounting(Object channel) {
        return "acct".equals(channel) || "proc".equals(channel);
    }

    private String key(Map<String, Object> r) {
        return switch (by) {
            case COMMAND -> r.get("comm") instanceof String c ? c : "?";
            case USER -> r.get("user") instanceof String u ? u : r.get("uid") instanceof Long uid ? uid.toString() : "?";
            case JOB -> r.get("name") instanceof String n ? n : "?";
        };
    }

    private static long n(Map<String, Object> r, String field) {
        return r.get(field) instanceof Long v ? v : 0;
    }

    long records() {
        return total.count;
    }

    long malformed() {
        return malformed;
    }

    /** Where the first malformed line was and why, or null. */
    String firstMalformed() {
        return malformed == 0 ? null : "line " + firstMalformedLine + ": " + firstMalformedReason;
    }

    long losses() {
        return losses;
    }

    long lossReports() {
        return lossReports;
    }

    /** Groups by CPU time, most first, as {@code sa} sorts. */
    private List<Map.Entry<String, Totals>> sorted() {
        List<Map.Entry<String, Totals>> rows = new ArrayList<>(groups.entrySet());
        rows.sort(Comparator.comparingLong((Map.Entry<String, Totals> e) -> -e.getValue().cpuUs())
                .thenComparing(Map.Entry::getKey));
        return rows;
    }

    private String byName() {
        return by.name().toLowerCase(Locale.ROOT);
    }

    /** One JSON line per group, then the total ({@code group: null}). */
    String json() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Totals> e : sorted()) {
            out.append(json(e.getKey(), e.getValue(), false)).append('\n');
        }
        return out.append(json(null, total, true)).append('\n').toString();
    }

    private String json(String group, Totals t, boolean isTotal) {
        JsonBuffer b = new JsonBuffer();
        b.beginObject().field("by", byName());
        if (group == null) {
            b.nullField("group");
        } else {
            b.field("group", group);
        }
        b.field(by == By.JOB ? "jobs" : "count", t.count).field("processes", t.processes).field("user_cpu_us", t.userUs)
                .field("system_cpu_us", t.systemUs).field("cpu_us", t.cpuUs()).field("elapsed_us", t.elapsedUs)
                .field("read_bytes", t.readBytes).field("write_bytes", t.writeBytes).field("read_chars", t.readChars)
                .field("write_chars", t.writeChars).field("max_hiwater_rss_kb", t.maxRssKb)
                .field("minor_faults", t.minorFaults).field("major_faults", t.majorFaults)
                .field("voluntary_switches", t.voluntary).field("involuntary_switches", t.involuntary);
        if (isTotal) {
            b.field("groups", groups.size()).field("loss_reports", lossReports).field("lost", losses)
                    .field("malformed_lines", malformed);
        }
        return new String(b.endObject().toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A table like {@code sa}'s: the total first, then each group by CPU time. */
    String table() {
        StringBuilder out = new StringBuilder();
        String label = by == By.JOB ? "jobs" : "count";
        out.append(String.format("%8s %8s %10s %10s %10s %11s %10s %10s %9s %7s  %s%n", label, "procs", "cpu_s", "user_s",
                "sys_s", "elapsed_s", "read_kB", "write_kB", "maxrss_k", "majflt", byName()));
        out.append(row(total, "(total)"));
        for (Map.Entry<String, Totals> e : sorted()) {
            out.append(row(e.getValue(), Printable.escape(e.getKey())));
        }
        return out.toString();
    }

    private static String row(Totals t, String name) {
        return String.format("%8d %8d %10.3f %10.3f %10.3f %11.3f %10d %10d %9d %7d  %s%n", t.count, t.processes,
                t.cpuUs() / 1e6, t.userUs / 1e6, t.systemUs / 1e6, t.elapsedUs / 1e6, t.readBytes >> 10,
                t.writeBytes >> 10, t.maxRssKb, t.majorFaults, name);
    }
}
