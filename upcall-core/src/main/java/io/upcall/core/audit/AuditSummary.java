package io.upcall.core.audit;

import io.upcall.core.json.JsonBuffer;
import io.upcall.linux.Errno;
import io.upcall.protocol.audit.Audit;
import io.upcall.protocol.audit.AuditArch;
import io.upcall.protocol.audit.AuditRecord;
import io.upcall.protocol.audit.AuditSockaddr;
import java.util.ArrayList;
import java.util.List;

/**
 * The summary of an {@link AuditEvent} in its JSON: {@code syscall}, {@code arch}, {@code success}, {@code exit},
 * {@code errno},
 * {@code key}, {@code process}, {@code cwd}, {@code paths}, {@code argv}, taken from the SYSCALL, CWD, PATH, EXECVE and
 * PROCTITLE records (a user message: from its own fields). A field the records do not give is null.
 */
final class AuditSummary {
    private AuditSummary() {}

    /** Slots of {@link #syscallFields}: the SYSCALL record's fields the summary uses. */
    private static final int ARCH = 0, SYSCALL = 1, SUCCESS = 2, EXIT = 3, KEY = 4, PID = 5, PPID = 6, UID = 7, AUID = 8,
            EUID = 9, GID = 10, EGID = 11, COMM = 12, EXE = 13, A1 = 14, A2 = 15, SLOTS = 16;
    /** The process's numbers, in the order written: slots {@code PID + i}. */
    private static final String[] PROCESS = {"pid", "ppid", "uid", "auid", "euid", "gid", "egid"};

    /**
     * The SYSCALL record's fields the summary uses, in one pass over its fields: a lookup by name per field was ~20
     * scans of ~28 fields per event (BENCHMARKS.md §6). The first of a repeated name counts, as {@link
     * AuditRecord#get} finds it.
     */
    static String[] syscallFields(AuditRecord s) {
        String[] v = new String[SLOTS];
        List<AuditRecord.Field> fields = s.fields();
        for (int i = 0, n = fields.size(); i < n; i++) {
            AuditRecord.Field f = fields.get(i);
            int slot = switch (f.name()) {
                case "arch" -> ARCH;
                case "syscall" -> SYSCALL;
                case "success" -> SUCCESS;
                case "exit" -> EXIT;
                case "key" -> KEY;
                case "pid" -> PID;
                case "ppid" -> PPID;
                case "uid" -> UID;
                case "auid" -> AUID;
                case "euid" -> EUID;
                case "gid" -> GID;
                case "egid" -> EGID;
                case "comm" -> COMM;
                case "exe" -> EXE;
                case "a1" -> A1;
                case "a2" -> A2;
                default -> -1;
            };
            if (slot >= 0 && v[slot] == null) {
                v[slot] = f.value();
            }
        }
        return v;
    }

    static void write(AuditEvent e, JsonBuffer out) {
        AuditRecord s = e.record(Audit.AUDIT_SYSCALL);
        String[] v = s == null ? null : syscallFields(s);
        AuditArch arch = s == null ? null : AuditArch.ofField(v[ARCH]);
        String syscall = s == null ? null : syscallName(arch, v[SYSCALL]);
        out.field("syscall", syscall);
        out.field("arch", arch != null ? arch.auditName() : s == null ? null : v[ARCH]);
        AuditRecord main = s == null ? e.main() : null;
        String success = s == null ? main.get("res") : v[SUCCESS];
        if (success == null) {
            out.nullField("success");
        } else {
            out.field("success", success.equals("yes") || success.equals("success") || success.equals("1"));
        }
        number(out, "exit", s == null ? null : v[EXIT]);
        out.field("errno", s == null ? null : errno(v[SUCCESS], v[EXIT]));
        out.field("key", keyText(e, s == null ? main.get("key") : v[KEY]));
        out.beginObject("process");
        for (int i = 0; i < PROCESS.length; i++) {
            number(out, PROCESS[i], s == null ? main.get(PROCESS[i]) : v[PID + i]);
        }
        out.field("user", Names.user(s == null ? main.get("uid") : v[UID]))
                .field("auid_user", Names.user(s == null ? main.get("auid") : v[AUID]))
                .field("euid_user", Names.user(s == null ? main.get("euid") : v[EUID]))
                .field("group", Names.group(s == null ? main.get("gid") : v[GID]))
                .field("egid_group", Names.group(s == null ? main.get("egid") : v[EGID]));
        out.field("comm", s == null ? main.get("comm") : v[COMM]).field("exe", s == null ? main.get("exe") : v[EXE])
                .endObject();
        AuditRecord cwd = e.record(Audit.AUDIT_CWD);
        out.field("cwd", cwd == null ? null : cwd.get("cwd"));
        out.beginArray("paths");
        List<AuditRecord> records = e.records();
        for (int r = 0, n = records.size(); r < n; r++) {
            if (records.get(r).type() == Audit.AUDIT_PATH) {
                path(out, records.get(r));
            }
        }
        out.endArray();
        mode(out, syscall, s == null ? null : v[A1], s == null ? null : v[A2]);
        sockaddr(out, e.record(Audit.AUDIT_SOCKADDR));
        List<String> argv = argv(e);
        if (argv == null) {
            out.nullField("argv");
        } else {
            out.beginArray("argv");
            argv.forEach(out::element);
            out.endArray();
        }
    }

    /** A PATH record's element of {@code paths}: its fields found in one pass, the first of a repeated name. */
    private static void path(JsonBuffer out, AuditRecord r) {
        String name = null;
        String nametype = null;
        String mode = null;
        String inode = null;
        List<AuditRecord.Field> fields = r.fields();
        for (int i = 0, n = fields.size(); i < n; i++) {
            AuditRecord.Field f = fields.get(i);
            switch (f.name()) {
                case "name" -> name = name == null ? f.value() : name;
                case "nametype" -> nametype = nametype == null ? f.value() : nametype;
                case "mode" -> mode = mode == null ? f.value() : mode;
                case "inode" -> inode = inode == null ? f.value() : inode;
                default -> { }
            }
        }
        out.beginElement().field("name", name).field("nametype", nametype).field("mode", mode);
        number(out, "inode", inode);
        out.endObject();
    }

    /**
     * For chmod, fchmod, fchmodat and fchmodat2: the mode the call asked for (its argument, in hex in the record) as
     * octal, with the bits a reviewer looks for named; null for any other syscall.
     */
    static void mode(JsonBuffer out, String name, String a1, String a2) {
        String arg = name == null ? null : switch (name) {
            case "chmod", "fchmod" -> a1;
            case "fchmodat", "fchmodat2" -> a2;
            default -> null;
        };
        long mode;
        try {
            mode = arg == null || arg.length() > 8 ? -1 : Long.parseLong(arg, 16) & 07777;
        } catch (NumberFormatException ex) {
            mode = -1;
        }
        if (mode < 0) {
            out.nullField("mode");
            return;
        }
        out.beginObject("mode").field("octal", String.format("%04o", mode)).field("setuid", (mode & 04000) != 0)
                .field("setgid", (mode & 02000) != 0).field("sticky", (mode & 01000) != 0)
                .field("world_writable", (mode & 0002) != 0).endObject();
    }

    /**
     * The socket address of a SOCKADDR record ({@code connect}, {@code bind}, ...): {@code family}, and by family
     * {@code address} and {@code port} (inet, inet6), {@code path} (unix; {@code @name} when abstract), {@code pid} and
     * {@code groups} (netlink); null without the record.
     */
    static void sockaddr(JsonBuffer out, AuditRecord r) {
        String hex = r == null ? null : r.get("saddr");
        if (hex == null) {
            out.nullField("sockaddr");
            return;
        }
        AuditSockaddr a = AuditSockaddr.decode(hex);
        out.beginObject("sockaddr").field("family", a.family());
        if (a.address() != null) {
            out.field("address", a.address());
        }
        if (a.port() >= 0) {
            out.field("port", a.port());
        }
        if (a.path() != null) {
            out.field("path", a.path());
        }
        if (a.pid() >= 0) {
            out.field("pid", a.pid()).field("groups", a.groups());
        }
        if (a.malformed() != null) {
            out.field("malformed", a.malformed());
        }
        out.endObject();
    }

    /** A failed syscall's {@code exit} (a negative errno) by name, {@code ENOENT}; null when it did not fail. */
    static String errno(String success, String exitText) {
        String exit = !"no".equals(success) ? null : exitText;
        try {
            long v = exit == null ? 0 : Long.parseLong(exit);
            return v < 0 && v > -4096 ? Errno.name((int) -v) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The syscall's name on its arch ({@code chroot}), its number as text when the table lacks it, or null. */
    static String syscallName(AuditRecord s) {
        return s == null ? null : syscallName(AuditArch.ofField(s.get("arch")), s.get("syscall"));
    }

    private static String syscallName(AuditArch arch, String number) {
        if (number == null) {
            return null;
        }
        try {
            String name = arch == null ? null : arch.syscallName(Integer.parseInt(number));
            return name != null ? name : number;
        } catch (NumberFormatException ex) {
            return number;
        }
    }

    /**
     * The arguments of an execve: EXECVE's {@code argc} and {@code a0..}, where a long argument comes as
     * {@code aN_len} and pieces {@code aN[0]}, {@code aN[1]}, ... (possibly across several EXECVE records); without
     * EXECVE, PROCTITLE's NUL-separated command line; null when neither is there.
     */
    static List<String> argv(AuditEvent e) {
        List<AuditRecord> records = e.records();
        String argcText = null;
        boolean any = false;
        for (int r = 0; r < records.size() && argcText == null; r++) {
            if (records.get(r).type() == Audit.AUDIT_EXECVE) {
                any = true;
                argcText = records.get(r).get("argc");
            }
        }
        if (any) {
            // One pass over the fields (not a lookup by name per argument and piece: an argc of 250 made that
            // quadratic); the first of a repeated name counts, as a lookup by name would find it.
            int argc = (int) Math.min(parse(argcText, 0), 1 << 16);
            String[] whole = new String[Math.max(argc, 0)];
            String[][] pieces = new String[whole.length][];
            for (int r = 0; r < records.size(); r++) {
                AuditRecord x = records.get(r);
                if (x.type() != Audit.AUDIT_EXECVE) {
                    continue;
                }
                List<AuditRecord.Field> fields = x.fields();
                for (int k = 0; k < fields.size(); k++) {
                    AuditRecord.Field f = fields.get(k);
                    String name = f.name();
                    if (name.length() < 2 || name.charAt(0) != 'a') {
                        continue;
                    }
                    int bracket = name.indexOf('[');
                    int i = index(name, 1, bracket < 0 ? name.length() : bracket);
                    if (i < 0 || i >= whole.length) {
                        continue;
                    }
                    if (bracket < 0) {
                        if (whole[i] == null) {
                            whole[i] = f.value();
                        }
                        continue;
                    }
                    int j = name.charAt(name.length() - 1) == ']' ? index(name, bracket + 1, name.length() - 1) : -1;
                    if (j < 0 || j >= 1 << 16) {
                        continue;
                    }
                    String[] p = pieces[i];
                    if (p == null || p.length <= j) {
                        p = pieces[i] = java.util.Arrays.copyOf(p == null ? new String[4] : p, Math.max(j + 1, p == null ? 4 : p.length * 2));
                    }
                    if (p[j] == null) {
                        p[j] = f.value();
                    }
                }
            }
            List<String> argv = new ArrayList<>(Math.min(whole.length, 1024));
            for (int i = 0; i < whole.length; i++) {
                if (whole[i] != null) {
                    argv.add(whole[i]);
                    continue;
                }
                StringBuilder joined = new StringBuilder();
                String[] p = pieces[i];
                for (int j = 0; p != null && j < p.length && p[j] != null; j++) {
                    joined.append(p[j]);
                }
                argv.add(joined.toString());
            }
            return argv;
        }
        AuditRecord title = e.record(Audit.AUDIT_PROCTITLE);
        String t = title == null ? null : title.get("proctitle");
        return t == null ? null : List.of(t.split("\0"));
    }

    /** The decimal number {@code s[from, to)} as {@code Integer.toString} writes it (no sign, no leading 0), or -1. */
    private static int index(String s, int from, int to) {
        if (to <= from || to - from > 6 || s.charAt(from) == '0' && to - from > 1) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The rule keys that matched, sorted and joined by commas ({@link AuditEvent#keys()}); null when none. */
    static String keyText(AuditEvent e) {
        AuditRecord s = e.record(Audit.AUDIT_SYSCALL);
        return keyText(e, s != null ? s.get("key") : e.main().get("key"));
    }

    /** {@link #keyText(AuditEvent)} when its key field ({@code key}) was found already. */
    private static String keyText(AuditEvent e, String key) {
        if (key == null || key.equals("(null)")) {
            return null;
        }
        if (key.indexOf('\u0001') < 0) {
            return key; // one key, the usual case: no set to make and sort
        }
        List<String> keys = e.keys().stream().sorted().toList();
        return keys.isEmpty() ? null : String.join(",", keys);
    }

    private static long parse(String v, long otherwise) {
        try {
            return v == null ? otherwise : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** A decimal field as a number; absent or not a number: null. */
    private static void number(JsonBuffer out, String name, String value) {
        try {
            if (value != null) {
                out.field(name, Long.parseLong(value));
                return;
            }
        } catch (NumberFormatException e) {
            // not a number: null
        }
        out.nullField(name);
    }
}
