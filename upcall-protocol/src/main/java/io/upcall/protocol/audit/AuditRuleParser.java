package io.upcall.protocol.audit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compiles a rule in {@code auditctl} syntax to a {@link AuditRule}. Supported so far (issue 12 asks for the whole
 * language; the rest is refused with the position, never guessed):
 * <ul>
 * <li>{@code -a always,exit} (or {@code never}; the exit list only) with {@code -F arch=b64|b32}, {@code -S NAME[,NAME]}
 * (repeatable; names from the arch's table, or numbers; no {@code -S}: every syscall) and {@code -k KEY};</li>
 * <li>{@code -w PATH [-p rwxa] [-k KEY]}: a watch on the path's inode (auditctl's {@code -w}, {@code AUDIT_WATCH}).</li>
 * </ul>
 * Words are separated by spaces; a path or key with a space cannot be written yet.
 */
public final class AuditRuleParser {
    private static final int MAX_KEY = 256;

    private AuditRuleParser() {}

    /** @throws AuditRuleException naming the position and what to write instead */
    public static AuditRule parse(String rule) {
        List<int[]> spans = words(rule);
        int action = -1;
        int list = -1;
        AuditArch arch = null;
        int archAt = -1;
        List<String> syscalls = new ArrayList<>();
        List<Integer> syscallAt = new ArrayList<>();
        String key = null;
        String watch = null;
        int perms = -1;
        for (int i = 0; i < spans.size(); i++) {
            int at = spans.get(i)[0];
            String option = word(rule, spans.get(i));
            if (!option.equals("-a") && !option.equals("-F") && !option.equals("-S") && !option.equals("-k")
                    && !option.equals("-w") && !option.equals("-p")) {
                throw new AuditRuleException(rule, at, "'" + option + "' is not supported; write -a always,exit with -F arch=, "
                        + "-S and -k, or -w PATH -p rwxa -k KEY");
            }
            if (i + 1 >= spans.size()) {
                throw new AuditRuleException(rule, rule.length(), option + " needs a value");
            }
            int vat = spans.get(++i)[0];
            String value = word(rule, spans.get(i));
            switch (option) {
                case "-a" -> {
                    String[] parts = value.split(",", -1);
                    if (parts.length != 2) {
                        throw new AuditRuleException(rule, vat, "-a takes ACTION,LIST, such as always,exit");
                    }
                    for (String p : parts) {
                        switch (p) {
                            case "always" -> action = AuditRule.AUDIT_ALWAYS;
                            case "never" -> action = AuditRule.AUDIT_NEVER;
                            case "exit" -> list = AuditRule.AUDIT_FILTER_EXIT;
                            default -> throw new AuditRuleException(rule, vat, "'" + p + "' in -a: write always or never, "
                                    + "and exit (other lists are not supported yet)");
                        }
                    }
                    if (action < 0 || list < 0) {
                        throw new AuditRuleException(rule, vat, "-a takes one action and one list, such as always,exit");
                    }
                }
                case "-F" -> {
                    if (!value.startsWith("arch=")) {
                        throw new AuditRuleException(rule, vat, "only -F arch=b64 or arch=b32 is supported yet");
                    }
                    arch = switch (value.substring(5)) {
                        case "b64", "x86_64" -> AuditArch.X86_64;
                        case "b32", "i386" -> AuditArch.I386;
                        default -> throw new AuditRuleException(rule, vat + 5, "arch is b64 (x86_64) or b32 (i386)");
                    };
                    archAt = vat;
                }
                case "-S" -> {
                    int from = vat;
                    for (String name : value.split(",", -1)) {
                        syscalls.add(name);
                        syscallAt.add(from);
                        from += name.length() + 1;
                    }
                }
                case "-k" -> {
                    // Several keys are one field, joined by \x01, as auditctl sends them.
                    String keys = key == null ? value : key + "\u0001" + value;
                    if (keys.getBytes(StandardCharsets.UTF_8).length > MAX_KEY) {
                        throw new AuditRuleException(rule, vat, "the keys are at most 256 bytes together");
                    }
                    key = keys;
                }
                case "-w" -> {
                    if (!value.startsWith("/")) {
                        throw new AuditRuleException(rule, vat, "-w takes an absolute path");
                    }
                    watch = value;
                }
                case "-p" -> {
                    perms = 0;
                    for (int c = 0; c < value.length(); c++) {
                        perms |= switch (value.charAt(c)) {
                            case 'r' -> AuditRule.AUDIT_PERM_READ;
                            case 'w' -> AuditRule.AUDIT_PERM_WRITE;
                            case 'x' -> AuditRule.AUDIT_PERM_EXEC;
                            case 'a' -> AuditRule.AUDIT_PERM_ATTR;
                            default -> throw new AuditRuleException(rule, vat + c, "-p takes letters of rwxa");
                        };
                    }
                }
                default -> throw new IllegalStateException(option);
            }
        }
        if ((watch == null) == (list < 0)) {
            throw new AuditRuleException(rule, 0, watch == null ? "a rule needs -a always,exit or -w PATH"
                    : "-w and -a do not go together: a watch is a rule of its own");
        }
        if (watch == null && perms >= 0) {
            throw new AuditRuleException(rule, 0, "-p goes with -w");
        }
        if (watch != null && (arch != null || !syscalls.isEmpty())) {
            throw new AuditRuleException(rule, archAt >= 0 ? archAt : syscallAt.getFirst(), "-F and -S do not go with -w");
        }
        int[] mask = new int[64];
        if (syscalls.isEmpty()) {
            Arrays.fill(mask, -1);
        }
        AuditArch table = arch != null ? arch : AuditArch.X86_64;
        for (int i = 0; i < syscalls.size(); i++) {
            int nr = number(syscalls.get(i), table);
            if (nr < 0 || nr >= 64 * 32) {
                throw new AuditRuleException(rule, syscallAt.get(i), "'" + syscalls.get(i) + "' is not a syscall on "
                        + table.auditName());
            }
            mask[nr / 32] |= 1 << (nr % 32);
        }
        List<Integer> ids = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        List<String> strings = new ArrayList<>();
        if (arch != null) {
            add(ids, values, strings, AuditRule.AUDIT_ARCH, (int) arch.value(), null);
        }
        if (watch != null) {
            add(ids, values, strings, AuditRule.AUDIT_WATCH, 0, watch);
            add(ids, values, strings, AuditRule.AUDIT_PERM, perms < 0 ? 15 : perms, null);
        }
        if (key != null) {
            add(ids, values, strings, AuditRule.AUDIT_FILTERKEY, 0, key);
        }
        return new AuditRule(rule, key, AuditRule.encode(watch != null ? AuditRule.AUDIT_FILTER_EXIT : list,
                watch != null ? AuditRule.AUDIT_ALWAYS : action, mask, ids.stream().mapToInt(Integer::intValue).toArray(),
                values.stream().mapToInt(Integer::intValue).toArray(), strings.toArray(new String[0])));
    }

    private static void add(List<Integer> ids, List<Integer> values, List<String> strings, int id, int value, String s) {
        ids.add(id);
        values.add(value);
        strings.add(s);
    }

    private static int number(String name, AuditArch arch) {
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit) && name.length() < 5) {
            return Integer.parseInt(name);
        }
        return arch.syscallNumber(name);
    }

    private static List<int[]> words(String s) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
            int from = i;
            while (i < s.length() && s.charAt(i) != ' ') {
                i++;
            }
            if (i > from) {
                out.add(new int[] {from, i});
            }
        }
        return out;
    }

    private static String word(String s, int[] span) {
        return s.substring(span[0], span[1]);
    }
}
