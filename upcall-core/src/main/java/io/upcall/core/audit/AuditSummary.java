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

    static void write(AuditEvent e, JsonBuffer out) {
        AuditRecord s = e.record(Audit.AUDIT_SYSCALL);
        AuditArch arch = s == null ? null : AuditArch.ofField(s.get("arch"));
        out.field("syscall", syscallName(s));
        out.field("arch", arch != null ? arch.auditName() : s == null ? null : s.get("arch"));
        String success = s == null ? e.main().get("res") : s.get("success");
        if (success == null) {
            out.nullField("success");
        } else {
            out.field("success", success.equals("yes") || success.equals("success") || success.equals("1"));
        }
        number(out, "exit", s == null ? null : s.get("exit"));
        out.field("errno", errno(s));
        out.field("key", keyText(e));
        AuditRecord who = s != null ? s : e.main();
        out.beginObject("process");
        for (String n : new String[] {"pid", "ppid", "uid", "auid", "euid", "gid", "egid"}) {
            number(out, n, who.get(n));
        }
        out.field("user", Names.user(who.get("uid"))).field("auid_user", Names.user(who.get("auid")))
                .field("euid_user", Names.user(who.get("euid"))).field("group", Names.group(who.get("gid")))
                .field("egid_group", Names.group(who.get("egid")));
        out.field("comm", who.get("comm")).field("exe", who.get("exe")).endObject();
        AuditRecord cwd = e.record(Audit.AUDIT_CWD);
        out.field("cwd", cwd == null ? null : cwd.get("cwd"));
        out.beginArray("paths");
        for (AuditRecord r : e.records()) {
            if (r.type() == Audit.AUDIT_PATH) {
                out.beginElement().field("name", r.get("name")).field("nametype", r.get("nametype"))
                        .field("mode", r.get("mode"));
                number(out, "inode", r.get("inode"));
                out.endObject();
            }
        }
        out.endArray();
        mode(out, s);
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

    /**
     * For chmod, fchmod, fchmodat and fchmodat2: the mode the call asked for (its argument, in hex in the record) as
     * octal, with the bits a reviewer looks for named; null for any other syscall.
     */
    static void mode(JsonBuffer out, AuditRecord s) {
        String name = syscallName(s);
        String arg = name == null ? null : switch (name) {
            case "chmod", "fchmod" -> s.get("a1");
            case "fchmodat", "fchmodat2" -> s.get("a2");
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
    static String errno(AuditRecord s) {
        String exit = s == null || !"no".equals(s.get("success")) ? null : s.get("exit");
        try {
            long v = exit == null ? 0 : Long.parseLong(exit);
            return v < 0 && v > -4096 ? Errno.name((int) -v) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The syscall's name on its arch ({@code chroot}), its number as text when the table lacks it, or null. */
    static String syscallName(AuditRecord s) {
        String number = s == null ? null : s.get("syscall");
        if (number == null) {
            return null;
        }
        AuditArch arch = AuditArch.ofField(s.get("arch"));
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
        String key = s != null ? s.get("key") : e.main().get("key");
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
