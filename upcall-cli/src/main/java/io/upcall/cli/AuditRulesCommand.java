package io.upcall.cli;

import io.upcall.core.audit.AuditControl;
import io.upcall.core.audit.SystemRuleNames;
import io.upcall.core.json.JsonBuffer;
import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.audit.AuditRule;
import io.upcall.protocol.audit.AuditRuleData;
import io.upcall.protocol.audit.AuditRuleException;
import io.upcall.protocol.audit.AuditRuleParser;
import io.upcall.protocol.audit.AuditRulePrinter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upcall audit rules}: the kernel's audit rules in auditctl's language — list, add, delete, clear. */
@Command(name = "rules", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = {AuditRulesCommand.ListRules.class, AuditRulesCommand.Add.class, AuditRulesCommand.Delete.class,
                AuditRulesCommand.Clear.class},
        description = {"The kernel's audit rules (AUDIT_LIST_RULES, AUDIT_ADD_RULE, AUDIT_DEL_RULE) in auditctl's "
                + "language: list prints them as auditctl -l does, and each line it prints adds the same rule back. "
                + "Changing rules needs root (CAP_AUDIT_CONTROL).", ""},
        footer = {"", "Examples:",
                "  upcall audit rules add '-a always,exit -F arch=b64 -S chroot -k jail'",
                "  upcall audit rules add -R /etc/audit/audit.rules",
                "  upcall audit rules list --key jail",
                "  upcall audit rules delete '-a always,exit -F arch=b64 -S chroot -F key=jail'",
                "  upcall audit rules clear --key jail --yes"})
final class AuditRulesCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    AuditCommand audit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    Main main() {
        return (Main) audit.spec.parent().userObject();
    }

    void print(String text) throws IOException {
        main().out().write(text.getBytes(StandardCharsets.UTF_8));
        main().out().flush();
    }

    /** One rule change the kernel may refuse. */
    interface RuleChange {
        void apply(AuditControl control, AuditRule rule) throws LinuxException;
    }

    /**
     * Applies {@code change} to each rule in order, saying each done; the first refusal stops it, saying how many were
     * done before ({@code why} explains the kernel's errno, or is empty).
     */
    int change(PrintWriter err, List<AuditRule> compiled, String verb, String done, RuleChange change,
            IntFunction<String> why) throws IOException {
        try (AuditControl control = AuditControl.open()) {
            for (int i = 0; i < compiled.size(); i++) {
                AuditRule r = compiled.get(i);
                try {
                    change.apply(control, r);
                } catch (LinuxException e) {
                    return refused(err, verb + " '" + r.text() + "'" + why.apply(e.errno()) + "; " + i + " of "
                            + compiled.size() + " rules " + done + " before it", e, verb + " ...");
                }
                print(done + ": " + AuditRulePrinter.print(r.rule().appended()) + "\n");
            }
        } catch (LinuxException e) {
            return refused(err, "open the audit control socket", e, verb + " ...");
        }
        return 0;
    }

    /** Says why the kernel refused, and for EPERM what it takes. */
    static int refused(PrintWriter err, String what, LinuxException e, String retry) {
        err.println("upcall: cannot " + what + ": " + Printable.escape(e.getMessage()));
        if (e.isPermissionDenied()) {
            err.println("upcall: changing audit rules needs root (CAP_AUDIT_CONTROL), and a configuration that is not "
                    + "locked (enabled 2 until reboot); try: sudo bin/upcall audit rules " + retry);
        }
        err.flush();
        return 1;
    }

    /** The rules the kernel has now, decoded; one that does not decode is said on {@code err} and left out. */
    static List<Listed> listed(AuditControl control, PrintWriter err) throws LinuxException {
        List<Listed> out = new ArrayList<>();
        for (byte[] struct : control.listRules()) {
            switch (AuditRuleData.decode(struct)) {
                case DecodeResult.Decoded<AuditRuleData>(AuditRuleData r) -> out.add(new Listed(r, struct));
                case DecodeResult.Malformed<AuditRuleData> m -> {
                    err.println("upcall: a rule the kernel listed does not decode (" + m.kind() + " at byte "
                            + m.offset() + ": " + m.detail() + "); left out");
                    err.flush();
                }
                case DecodeResult.Skipped<AuditRuleData> s -> { }
            }
        }
        return out;
    }

    /** A rule as the kernel listed it: decoded, and its struct, which deletes it exactly. */
    record Listed(AuditRuleData rule, byte[] struct) {
        String line() {
            return AuditRulePrinter.print(rule);
        }

        AuditRule asRule() {
            List<String> keys = rule.keys();
            return new AuditRule(line(), keys.isEmpty() ? null : String.join("\u0001", keys), struct);
        }
    }

    /** The auditctl options an audit.rules file may hold besides rules. */
    private static final java.util.Set<String> CONTROL = java.util.Set.of("-D", "-b", "-f", "-e", "-r", "-i", "-c",
            "--backlog_wait_time", "--loginuid-immutable", "--reset-lost", "--signal");

    /** Compiles the rules given (and those of -R FILE), or throws the usage error naming the first that does not. */
    static List<AuditRule> compile(CommandLine cl, List<String> texts, Path file, boolean deleting) {
        List<String> all = new ArrayList<>();
        List<String> where = new ArrayList<>();
        if (file != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(cl, Errors.cannotRead(file, e));
            }
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                String first = l.split("\\s+", 2)[0];
                if (CONTROL.contains(first)) { // audit.rules also sets the configuration: not a rule, and not done here
                    cl.getErr().println("upcall: " + file + ":" + (i + 1) + ": skipped " + Printable.escape(first)
                            + ": it sets the audit configuration, not a rule (see upcall audit rules clear, audit enable)");
                    cl.getErr().flush();
                } else if (!l.isEmpty() && !l.startsWith("#")) {
                    all.add(l);
                    where.add(file + ":" + (i + 1) + ": ");
                }
            }
        }
        for (String t : texts) {
            all.add(t);
            where.add("");
        }
        if (all.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "give at least one RULE, such as '-a always,exit -F arch=b64 "
                    + "-S chroot -k jail'" + (deleting ? "" : ", or -R FILE"));
        }
        SystemRuleNames names = SystemRuleNames.system();
        List<AuditRule> rules = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            try {
                if (!deleting && AuditRuleParser.isDeletion(all.get(i))) {
                    throw new CommandLine.ParameterException(cl, where.get(i) + "'" + Printable.escape(all.get(i))
                            + "' deletes a rule (-d, -W): use upcall audit rules delete");
                }
                rules.add(AuditRuleParser.parse(all.get(i), names));
            } catch (AuditRuleException e) {
                throw new CommandLine.ParameterException(cl, where.get(i) + Printable.escape(e.getMessage()));
            }
        }
        return rules;
    }

    /** {@code rules list}: as auditctl -l prints them. */
    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "The rules in the kernel, in its order, each printed as auditctl -l prints it (so that rules "
                    + "add takes it back). Needs root (CAP_AUDIT_CONTROL).")
    static final class ListRules implements Callable<Integer> {
        @CommandLine.ParentCommand
        AuditRulesCommand rules;

        @Option(names = "--json", description = "One JSON object per rule (docs/events.md#audit-rules) instead of lines.")
        boolean json;

        @Option(names = "--key", paramLabel = "K", description = "Only rules with key K (one of their keys; repeatable).")
        List<String> keys = List.of();

        @Override
        public Integer call() throws IOException {
            PrintWriter err = rules.spec.commandLine().getErr();
            List<Listed> all;
            try (AuditControl control = AuditControl.open()) {
                all = listed(control, err);
            } catch (LinuxException e) {
                return refused(err, "list the audit rules", e, "list");
            }
            StringBuilder out = new StringBuilder();
            int shown = 0;
            for (Listed l : all) {
                if (!keys.isEmpty() && l.rule().keys().stream().noneMatch(keys::contains)) {
                    continue;
                }
                shown++;
                out.append(json ? json(l) : l.line()).append('\n');
            }
            rules.print(out.toString());
            if (shown == 0 && !json) {
                err.println(keys.isEmpty() ? "No rules" : "No rules with key " + String.join(" or ", keys));
                err.flush();
            }
            return 0;
        }

        private static String json(Listed l) {
            AuditRuleData r = l.rule();
            JsonBuffer b = new JsonBuffer();
            b.beginObject().field("rule", l.line()).field("list", listName(r.list()))
                    .field("action", r.action() == AuditRule.AUDIT_ALWAYS ? "always"
                            : r.action() == AuditRule.AUDIT_NEVER ? "never" : Integer.toString(r.action()));
            b.beginArray("keys");
            for (String k : r.keys()) {
                b.element(k);
            }
            b.endArray().endObject();
            return new String(b.toByteArray(), StandardCharsets.UTF_8);
        }

        private static String listName(int list) {
            List<String> names = List.of("user", "task", "entry", "watch", "exit", "exclude", "filesystem", "io_uring");
            return list >= 0 && list < names.size() ? names.get(list) : Integer.toString(list);
        }
    }

    /** {@code rules add}. */
    @Command(name = "add", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Add rules, in order (AUDIT_ADD_RULE). Each RULE is one word in auditctl's language: -a or -A "
                    + "ACTION,LIST with -S, -F, -C and -k, or -w PATH -p rwxa -k KEY. Every rule is checked before the "
                    + "first is added; if the kernel refuses one, those before it stay (they are printed). Needs root "
                    + "(CAP_AUDIT_CONTROL).")
    static final class Add implements Callable<Integer> {
        @CommandLine.ParentCommand
        AuditRulesCommand rules;

        /** A RULE starts with a dash ({@code -a ...}): a word picocli does not know is a RULE, not an unknown option. */
        @CommandLine.Spec
        void rulesAreWords(CommandLine.Model.CommandSpec spec) {
            spec.parser().unmatchedOptionsArePositionalParams(true);
            this.spec = spec;
        }

        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "RULE", arity = "0..*", description = "A rule, quoted as one word.")
        List<String> texts = List.of();

        @Option(names = "-R", paramLabel = "FILE", description = "Also the rules in FILE, one a line (as auditctl -R "
                + "reads audit.rules; blank lines, # comments and configuration lines such as -D, -b, -e skipped, "
                + "the last with a note), before the RULEs.")
        Path file;

        @Override
        public Integer call() throws IOException {
            List<AuditRule> compiled = compile(spec.commandLine(), texts, file, false);
            return rules.change(spec.commandLine().getErr(), compiled, "add", "added", AuditControl::addRule,
                    errno -> errno == Errno.EEXIST ? " (the kernel has this rule already)"
                            : errno == Errno.EINVAL ? " (the kernel does not take this field, operator or value on "
                            + "this list)" : "");
        }
    }

    /** {@code rules delete}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Delete rules (AUDIT_DEL_RULE): each RULE as it was added or as rules list prints it (-a, -A, "
                    + "-d, -w or -W); the kernel deletes the rule with the same list, action, syscalls and fields. "
                    + "Needs root (CAP_AUDIT_CONTROL).")
    static final class Delete implements Callable<Integer> {
        @CommandLine.ParentCommand
        AuditRulesCommand rules;

        /** A RULE starts with a dash ({@code -a ...}): a word picocli does not know is a RULE, not an unknown option. */
        @CommandLine.Spec
        void rulesAreWords(CommandLine.Model.CommandSpec spec) {
            spec.parser().unmatchedOptionsArePositionalParams(true);
            this.spec = spec;
        }

        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "RULE", arity = "0..*", description = "A rule, quoted as one word.")
        List<String> texts = List.of();

        @Override
        public Integer call() throws IOException {
            List<AuditRule> compiled = compile(spec.commandLine(), texts, null, true);
            return rules.change(spec.commandLine().getErr(), compiled, "delete", "deleted",
                    (control, r) -> control.deleteRule(new AuditRule(r.text(), r.key(), r.rule().appended().encode())),
                    errno -> errno == Errno.ENOENT ? " (the kernel has no such rule; upcall audit rules list shows "
                            + "those it has)" : "");
        }
    }

    /** {@code rules clear}. */
    @Command(name = "clear", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Delete every rule (as auditctl -D), or with --key only the rules with that key. Without --yes "
                    + "it deletes nothing and says how many rules it would delete (exit 2). Needs root "
                    + "(CAP_AUDIT_CONTROL).")
    static final class Clear implements Callable<Integer> {
        @CommandLine.ParentCommand
        AuditRulesCommand rules;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--key", paramLabel = "K", description = "Only the rules with key K (one of their keys; "
                + "repeatable).")
        List<String> keys = List.of();

        @Option(names = "--yes", description = "Do delete them.")
        boolean yes;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            try (AuditControl control = AuditControl.open()) {
                List<Listed> matching = new ArrayList<>();
                List<Listed> all = listed(control, err);
                for (Listed l : all) {
                    if (keys.isEmpty() || l.rule().keys().stream().anyMatch(keys::contains)) {
                        matching.add(l);
                    }
                }
                String which = keys.isEmpty() ? "" : " with key " + String.join(" or ", keys);
                if (!yes) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "this would delete " + matching.size()
                            + " audit rule" + (matching.size() == 1 ? "" : "s") + which + " (of " + all.size()
                            + "): add --yes to delete " + (matching.size() == 1 ? "it" : "them"));
                }
                int deleted = 0;
                for (Listed l : matching) {
                    try {
                        control.deleteRule(l.asRule());
                        deleted++;
                    } catch (LinuxException e) {
                        if (e.errno() != Errno.ENOENT) { // gone meanwhile (another auditctl): what was asked is done
                            return refused(err, "delete '" + l.line() + "'; " + deleted + " of " + matching.size()
                                    + " deleted before it", e, "clear --yes");
                        }
                    }
                }
                rules.print("deleted " + deleted + " audit rule" + (deleted == 1 ? "" : "s") + which + "\n");
            } catch (LinuxException e) {
                return refused(err, "list the audit rules", e, "clear --yes");
            }
            return 0;
        }
    }
}
