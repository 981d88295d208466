package io.upcall.protocol.audit;

import io.upcall.protocol.audit.AuditRuleWords.Word;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compiles a rule in {@code auditctl} syntax (one line of {@code audit.rules}) to the {@code struct audit_rule_data}
 * the kernel takes, as auditctl 3.0.9 does, field for field:
 * <ul>
 * <li>{@code -a ACTION,LIST} (either order), {@code -A} (the same, added at the head of the list) or {@code -d}
 * (a rule to delete): action {@code always} or {@code never}; list {@code exit}, {@code user}, {@code task},
 * {@code exclude}, {@code filesystem} or {@code io_uring}.</li>
 * <li>{@code -S SYSCALL[,SYSCALL]} (repeatable): names from the table of the rule's {@code arch} (x86_64 without
 * one), numbers, or {@code all}; without {@code -S} a rule covers every syscall. Not on the user, task, exclude and
 * filesystem lists.</li>
 * <li>{@code -F FIELD OP VALUE} with OP one of {@code = != < > <= >= & &=}: {@code arch} (b64, b32, x86_64, i386),
 * {@code pid ppid pers sessionid devmajor devminor inode success saddr_fam}, the ids {@code uid euid suid fsuid auid
 * (loginuid) obj_uid} and {@code gid egid sgid fsgid obj_gid} (numbers or names, {@link Names}; {@code unset} or -1
 * for auid only), {@code exit} (a number or {@code -EACCES}), {@code a0..a3} (numbers, hex with 0x), {@code msgtype}
 * (a record type name such as USER_LOGIN, or a number), {@code filetype} (file, dir, socket, link, character, block,
 * fifo), {@code fstype} (debugfs, tracefs), {@code path dir exe} (absolute paths), {@code perm} (letters of rwxa),
 * {@code key}, and the LSM labels {@code subj_*}, {@code obj_user obj_role obj_type obj_lev_low obj_lev_high}.
 * Numbers are decimal, hex ({@code 0x}) or octal (leading 0).</li>
 * <li>{@code -C FIELD OP FIELD} with OP {@code =} or {@code !=}: the comparisons of {@code AUDIT_COMPARE_*}, such as
 * {@code uid!=euid} or {@code auid=obj_uid}.</li>
 * <li>{@code -w PATH [-p rwxa] [-k KEY]}, {@code -W PATH} (to delete): a watch, the fields path (dir when
 * {@link Names#isDirectory} says so; a trailing / is dropped), perm (rwxa when not given) and key.</li>
 * <li>{@code -k KEY} (repeatable) and {@code -F key=KEY}: the keys, joined by {@code \x01} into one field at the end,
 * at most 256 bytes together.</li>
 * </ul>
 * A value may be quoted ({@code -k "a b"}, {@code -F path='/a b'}). A rule that cannot be compiled is refused with an
 * {@link AuditRuleException} naming the character and what to write instead; nothing is guessed. What the kernel
 * refuses (an operator a field does not take, a field a list does not take) it says on adding.
 */
public final class AuditRuleParser {
    /** User and group names, and whether a watched path is a directory: looked up where the rule is added. */
    public interface Names {
        /** The uid of user {@code name}, or -1. */
        long uid(String name);

        /** The gid of group {@code name}, or -1. */
        long gid(String name);

        /** Whether {@code path} is a directory now (auditctl then watches the tree: {@code AUDIT_DIR}). */
        boolean isDirectory(String path);

        /** Numbers only, no directories: for parsing away from the machine the rule is for. */
        Names NUMBERS_ONLY = new Names() {
            @Override
            public long uid(String name) {
                return -1;
            }

            @Override
            public long gid(String name) {
                return -1;
            }

            @Override
            public boolean isDirectory(String path) {
                return false;
            }
        };
    }

    private AuditRuleParser() {}

    /** {@link #parse(String, Names)} without name lookups (ids as numbers; a watch on a path is {@code AUDIT_WATCH}). */
    public static AuditRule parse(String rule) {
        return parse(rule, Names.NUMBERS_ONLY);
    }

    /** @throws AuditRuleException naming the position and what to write instead */
    public static AuditRule parse(String rule, Names names) {
        AuditRuleData data = compile(rule, names);
        List<String> keys = data.keys();
        return new AuditRule(rule, keys.isEmpty() ? null
                : String.join(String.valueOf(AuditRule.AUDIT_KEY_SEPARATOR), keys), data.encode());
    }

    /** Whether the rule says to delete ({@code -d} or {@code -W}) rather than add. Does not check the rest. */
    public static boolean isDeletion(String rule) {
        List<Word> words = AuditRuleWords.split(rule);
        return !words.isEmpty() && (words.getFirst().text().equals("-d") || words.getFirst().text().equals("-W"));
    }

    /** The struct a rule compiles to; {@code -A} sets {@code AUDIT_FILTER_PREPEND} in flags. */
    public static AuditRuleData compile(String rule, Names names) {
        return new Compiler(rule, names).compile();
    }

    /** One rule's compilation: the options in order, then the checks that need them all. */
    private static final class Compiler {
        private final String rule;
        private final AuditRuleValues values;
        private String verb;
        private int verbAt = -1;
        private int action = -1;
        private int list = -1;
        private String watch;
        private int perms = -1;
        private int permsAt = -1;
        private final List<Word> syscalls = new ArrayList<>();
        private final List<AuditRuleData.Field> fields = new ArrayList<>();
        private int firstFieldAt = -1;
        private final List<String> keys = new ArrayList<>();
        private int keyAt = -1;
        private AuditArch arch;
        private boolean archKnown = true;

        Compiler(String rule, Names names) {
            this.rule = rule;
            this.values = new AuditRuleValues(rule, names);
        }

        private AuditRuleException error(int at, String message) {
            return new AuditRuleException(rule, at, message);
        }

        AuditRuleData compile() {
            List<Word> words = AuditRuleWords.split(rule);
            for (int i = 0; i < words.size(); i++) {
                Word option = words.get(i);
                String o = option.text();
                if (!List.of("-a", "-A", "-d", "-w", "-W", "-p", "-S", "-F", "-C", "-k").contains(o)) {
                    throw error(option.at(), "'" + o + "' is not a rule option here; a rule is -a ACTION,LIST with "
                            + "-S, -F, -C and -k, or -w PATH -p rwxa -k KEY (-D, -e, -s and the like are commands: "
                            + "use upcall audit rules clear, enable, status)");
                }
                if (i + 1 >= words.size()) {
                    throw error(rule.length(), o + " needs a value");
                }
                Word value = words.get(++i);
                switch (o) {
                    case "-a", "-A", "-d" -> actionAndList(option, value);
                    case "-w", "-W" -> watch(option, value);
                    case "-p" -> {
                        perms = values.perms(value.text(), value.at(), "-p");
                        permsAt = option.at();
                    }
                    case "-S" -> syscall(value);
                    case "-F" -> field(value);
                    case "-C" -> fields.add(values.compare(value.text(), value.at()));
                    case "-k" -> key(value.text(), value.at());
                    default -> throw new IllegalStateException(o);
                }
                if ((o.equals("-F") || o.equals("-C")) && firstFieldAt < 0) {
                    firstFieldAt = option.at();
                }
            }
            return build();
        }

        private void verb(Word option) {
            if (verb != null) {
                throw error(option.at(), option.text() + " after " + verb + ": a rule is either -a ACTION,LIST or "
                        + "-w PATH, once");
            }
            verb = option.text();
            verbAt = option.at();
        }

        private void actionAndList(Word option, Word value) {
            verb(option);
            String[] parts = value.text().split(",", -1);
            if (parts.length != 2) {
                throw error(value.at(), option.text() + " takes ACTION,LIST, such as always,exit");
            }
            int at = value.at();
            for (String p : parts) {
                int a = AuditRuleNames.ACTIONS.indexOf(p);
                int l = AuditRuleNames.LISTS.indexOf(p);
                if (a >= 0 && a != AuditRule.AUDIT_POSSIBLE && action < 0) {
                    action = a;
                } else if (l >= 0 && l != AuditRule.AUDIT_FILTER_ENTRY && l != AuditRule.AUDIT_FILTER_WATCH
                        && list < 0) {
                    list = l;
                } else {
                    throw error(at, "'" + p + "' in " + option.text() + ": write one action (always, never) and one "
                            + "list (exit, user, task, exclude, filesystem, io_uring), such as always,exit");
                }
                at += p.length() + 1;
            }
        }

        private void watch(Word option, Word value) {
            verb(option);
            String path = value.text();
            while (path.length() > 1 && path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            values.checkPath(path, value.at(), option.text());
            watch = path;
        }

        private void syscall(Word value) {
            int at = value.at();
            for (String name : value.text().split(",", -1)) {
                syscalls.add(new Word(name, at));
                at += name.length() + 1;
            }
        }

        private void field(Word value) {
            AuditRuleData.Field f = values.field(value.text(), value.at());
            if (f.id() == AuditRule.AUDIT_FILTERKEY) {
                key(f.text(), value.at() + 4);
                return;
            }
            if (f.id() == AuditRule.AUDIT_ARCH) { // the last, whatever its operator: as auditctl -l names the syscalls
                arch = AuditArch.ofValue(Integer.toUnsignedLong(f.value()));
                archKnown = arch != null;
            }
            fields.add(f);
        }

        private void key(String key, int at) {
            if (key.isEmpty()) {
                throw error(at, "a key is not empty: write -k KEY");
            }
            if (key.indexOf(AuditRule.AUDIT_KEY_SEPARATOR) >= 0) {
                throw error(at, "a key cannot hold \\x01 (it separates the keys of a rule): give each with its own -k");
            }
            keys.add(key);
            keyAt = keyAt < 0 ? at : keyAt;
        }

        private AuditRuleData build() {
            if (verb == null) {
                throw error(0, "a rule needs -a ACTION,LIST (such as -a always,exit) or -w PATH");
            }
            List<AuditRuleData.Field> out = new ArrayList<>();
            int[] mask = new int[AuditRuleData.MASK_WORDS];
            Arrays.fill(mask, -1);
            int flags;
            int act;
            if (watch != null) {
                if (!syscalls.isEmpty() || firstFieldAt >= 0) {
                    throw error(!syscalls.isEmpty() ? syscalls.getFirst().at() : firstFieldAt, "a watch takes only -p "
                            + "and -k; for more, write -a always,exit -F path=PATH -F perm=PERMS with the other fields");
                }
                out.add(AuditRuleData.Field.of(values.isDirectory(watch) ? AuditRule.AUDIT_DIR : AuditRule.AUDIT_WATCH,
                        AuditRule.AUDIT_EQUAL, watch));
                out.add(AuditRuleData.Field.of(AuditRule.AUDIT_PERM, AuditRule.AUDIT_EQUAL, perms < 0 ? 15 : perms));
                flags = AuditRule.AUDIT_FILTER_EXIT;
                act = AuditRule.AUDIT_ALWAYS;
            } else {
                if (permsAt >= 0) {
                    throw error(permsAt, "-p goes with -w; in an -a rule write -F perm=" + AuditRulePrinter.perms(perms));
                }
                if (!syscalls.isEmpty()) {
                    if (list != AuditRule.AUDIT_FILTER_EXIT && list != AuditRule.AUDIT_FILTER_URING_EXIT) {
                        throw error(syscalls.getFirst().at(), "-S goes with the exit and io_uring lists only: the "
                                + AuditRuleNames.LISTS.get(list) + " list does not filter syscalls");
                    }
                    syscallMask(mask);
                }
                if (list == AuditRule.AUDIT_FILTER_TASK) {
                    Arrays.fill(mask, 0); // the task list runs at fork, not at a syscall: its rules list back with no syscall bit
                }
                out.addAll(fields);
                flags = list | (verb.equals("-A") ? AuditRule.AUDIT_FILTER_PREPEND : 0);
                act = action;
            }
            if (!keys.isEmpty()) {
                String joined = String.join(String.valueOf(AuditRule.AUDIT_KEY_SEPARATOR), keys);
                if (joined.getBytes(StandardCharsets.UTF_8).length > AuditRule.AUDIT_MAX_KEY_LEN) {
                    throw error(keyAt, "the keys of a rule are at most 256 bytes together (joined by \\x01)");
                }
                out.add(AuditRuleData.Field.of(AuditRule.AUDIT_FILTERKEY, AuditRule.AUDIT_EQUAL, joined));
            }
            if (out.size() > AuditRule.MAX_FIELDS) {
                throw error(verbAt, "a rule has at most 64 fields (-F, -C and the key); this one has " + out.size());
            }
            return new AuditRuleData(flags, act, mask, out);
        }

        private void syscallMask(int[] mask) {
            boolean all = false;
            Arrays.fill(mask, 0);
            AuditArch table = arch != null ? arch : AuditArch.X86_64;
            for (Word s : syscalls) {
                if (s.text().equals("all")) {
                    all = true;
                    continue;
                }
                int nr = values.number(s.text());
                if (nr == Integer.MIN_VALUE && list == AuditRule.AUDIT_FILTER_EXIT && archKnown) {
                    nr = table.syscallNumber(s.text());
                }
                if (nr < 0 || nr >= AuditRuleData.MASK_WORDS * 32 - 32) {
                    throw error(s.at(), s.text().isEmpty() ? "an empty syscall name: write -S NAME[,NAME]"
                            : list == AuditRule.AUDIT_FILTER_URING_EXIT ? "'" + s.text() + "' is not an io_uring "
                            + "operation number (0..2015; names are not supported)" : "'" + s.text()
                            + "' is not a syscall on " + (archKnown ? table.auditName() : "that arch") + " (write "
                            + "its name, its number 0..2015, or all)");
                }
                mask[nr / 32] |= 1 << (nr % 32);
            }
            if (all) {
                Arrays.fill(mask, -1);
            }
        }
    }
}
