package io.upcall.core.audit;

import io.upcall.core.channel.ExecWitness;
import io.upcall.core.event.Event;
import io.upcall.core.event.TableRow;
import io.upcall.core.json.JsonBuffer;
import io.upcall.protocol.audit.Audit;
import io.upcall.protocol.audit.AuditRecord;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An audit event: the records the kernel emitted under one serial (a syscall's SYSCALL, CWD, PATH, EXECVE, PROCTITLE
 * ..., or one user-space message), with a summary of what they say ({@code docs/events.md}). Its {@link #time()} is
 * the records' own timestamp (milliseconds), not when they were read; {@link #type()} is its main record's type in
 * lower case ({@code syscall}, {@code config_change}, {@code user_login}).
 *
 * @param serial  the records' serial
 * @param records the records, in the order received (without the closing EOE)
 */
public record AuditEvent(Instant time, long serial, List<AuditRecord> records) implements Event, ExecWitness {
    /** Records that add to an event rather than say what it is. */
    private static boolean auxiliary(int type) {
        return switch (type) { // a switch, not a Set<Integer>: no boxing for every record of every event
            case Audit.AUDIT_SYSCALL, Audit.AUDIT_PATH, Audit.AUDIT_CWD, Audit.AUDIT_EXECVE, Audit.AUDIT_PROCTITLE,
                 Audit.AUDIT_SOCKADDR, 1321 /* BPRM_FCAPS */, 1322 /* CAPSET */, 1323 /* MMAP */, 1317 /* FD_PAIR */,
                 1318 /* OBJ_PID */, 1303 /* IPC */, Audit.AUDIT_EOE -> true;
            default -> false;
        };
    }

    public AuditEvent {
        records = List.copyOf(records);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("an audit event has at least one record");
        }
    }

    /** The event of {@code records}, at the time their header gives. */
    static AuditEvent of(List<AuditRecord> records) {
        AuditRecord first = records.getFirst();
        return new AuditEvent(Instant.ofEpochSecond(first.seconds(), first.millis() * 1_000_000L), first.serial(), records);
    }

    @Override
    public String source() {
        return AuditChannel.NAME;
    }

    /** The first record that says what happened (not an auxiliary such as PATH), else SYSCALL, else the first. */
    public AuditRecord main() {
        AuditRecord syscall = null;
        for (int i = 0, n = records.size(); i < n; i++) {
            AuditRecord r = records.get(i);
            if (!auxiliary(r.type())) {
                return r;
            }
            if (r.type() == Audit.AUDIT_SYSCALL && syscall == null) {
                syscall = r;
            }
        }
        return syscall != null ? syscall : records.getFirst();
    }

    @Override
    public String type() {
        return Audit.eventType(main().type());
    }

    /** The first record of {@code type}, or null. */
    public AuditRecord record(int type) {
        for (int i = 0, n = records.size(); i < n; i++) { // indexed: no iterator per call
            AuditRecord r = records.get(i);
            if (r.type() == type) {
                return r;
            }
        }
        return null;
    }

    /** The rule keys that matched (a SYSCALL's {@code key}, several joined by {@code \x01}); empty when none. */
    public Set<String> keys() {
        AuditRecord s = record(Audit.AUDIT_SYSCALL);
        String key = s != null ? s.get("key") : main().get("key");
        if (key == null || key.equals("(null)")) {
            return Set.of();
        }
        return new HashSet<>(List.of(key.split("\u0001")));
    }

    /** A successful {@code execve}/{@code execveat} with its EXECVE record: the SYSCALL's pid; else -1. */
    @Override
    public int execTgid() {
        AuditRecord s = record(Audit.AUDIT_SYSCALL);
        if (s == null || !"yes".equals(s.get("success")) || record(Audit.AUDIT_EXECVE) == null) {
            return -1;
        }
        String name = AuditSummary.syscallName(s);
        if (!"execve".equals(name) && !"execveat".equals(name)) {
            return -1;
        }
        try {
            return Integer.parseInt(s.get("pid"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String execExe() {
        AuditRecord s = record(Audit.AUDIT_SYSCALL);
        return s == null ? null : s.get("exe");
    }

    @Override
    public List<String> execArgv() {
        return AuditSummary.argv(this);
    }

    @Override
    public String execCwd() {
        AuditRecord cwd = record(Audit.AUDIT_CWD);
        return cwd == null ? null : cwd.get("cwd");
    }

    @Override
    public String execComm() {
        AuditRecord s = record(Audit.AUDIT_SYSCALL);
        return s == null ? null : s.get("comm");
    }

    @Override
    public void writeJsonFields(JsonBuffer out) {
        out.field("serial", serial);
        AuditSummary.write(this, out);
        out.beginArray("records");
        for (int i = 0, n = records.size(); i < n; i++) {
            AuditRecord r = records.get(i);
            out.beginElement().field("type", Audit.eventType(r.type())).beginObject("fields");
            List<AuditRecord.Field> fields = r.fields();
            int m = fields.size();
            Set<String> many = m > 48 ? new HashSet<>() : null; // an EXECVE of many arguments
            long seen0 = 0;
            long seen1 = 0; // 128 bits of the names' hashes: a bit seen again may be a repeated name, checked then
            for (int j = 0; j < m; j++) {
                AuditRecord.Field f = fields.get(j);
                if (many != null) {
                    if (!many.add(f.name())) {
                        continue; // a user message's msg='...' may repeat an outer name: the first stays
                    }
                } else {
                    int h = f.name().hashCode() * 0x9E3779B9 >>> 25;
                    long bit = 1L << h;
                    long seen = h < 64 ? seen0 : seen1;
                    if ((seen & bit) != 0 && repeated(fields, j)) {
                        continue;
                    }
                    if (h < 64) {
                        seen0 |= bit;
                    } else {
                        seen1 |= bit;
                    }
                }
                if (f.printable()) {
                    out.anyPrintableField(f.name(), f.value());
                } else {
                    out.anyField(f.name(), f.value());
                }
            }
            out.endObject().endObject();
        }
        out.endArray();
    }

    /** Whether the name of {@code fields[j]} came before it. */
    private static boolean repeated(List<AuditRecord.Field> fields, int j) {
        String name = fields.get(j).name();
        for (int i = 0; i < j; i++) {
            if (fields.get(i).name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public TableRow tableRow() {
        AuditRecord s = record(Audit.AUDIT_SYSCALL);
        AuditRecord who = s != null ? s : main();
        String pid = who.get("pid");
        String what = AuditSummary.syscallName(s);
        Set<String> keys = keys();
        String info = (what != null ? what + (s.get("success") != null ? " " + s.get("success") : "") : "")
                + (keys.isEmpty() ? "" : " key " + String.join(",", keys.stream().sorted().toList()));
        String about = firstOf(who, "exe", "op", "msg");
        String name = type();
        return new TableRow(TableRow.Tone.NOTICE, name.length() > 9 ? name.substring(0, 9) : name, pid == null ? "" : pid,
                info.strip(), about);
    }

    private static String firstOf(AuditRecord r, String... names) {
        for (String n : names) {
            if (r.get(n) != null) {
                return r.get(n);
            }
        }
        return "";
    }
}
