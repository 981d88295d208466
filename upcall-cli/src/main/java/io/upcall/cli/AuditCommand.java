package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.audit.AuditControl;
import io.upcall.core.audit.AuditLog;
import io.upcall.core.audit.AuditOptions;
import io.upcall.core.audit.AuditRuleSession;
import io.upcall.core.audit.SystemRuleNames;
import io.upcall.core.json.JsonBuffer;
import io.upcall.linux.LinuxException;
import io.upcall.protocol.audit.AuditRule;
import io.upcall.protocol.audit.AuditRuleException;
import io.upcall.protocol.audit.AuditRuleParser;
import io.upcall.protocol.audit.AuditStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code upcall audit}: the kernel's audit status, and audit events live. */
@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = {AuditCommand.Status.class, AuditCommand.Enable.class, AuditCommand.Disable.class,
                AuditCommand.Watch.class, AuditCommand.Parse.class, AuditRulesCommand.class},
        description = {"The kernel's audit framework (NETLINK_AUDIT): its status, and its records as events, received "
                + "from the read-only multicast group beside auditd. Without --rule, Upcall changes no audit rule: "
                + "which syscalls are audited is up to the rules in place (auditctl).", ""})
final class AuditCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** {@code upcall audit status}: {@code AUDIT_GET}, printed as {@code auditctl -s} does. */
    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "The kernel's audit status (AUDIT_GET), as auditctl -s prints it. Needs root (CAP_AUDIT_CONTROL).")
    static final class Status implements Callable<Integer> {
        @CommandLine.ParentCommand
        AuditCommand audit;

        @Option(names = "--json", description = "One JSON object instead of lines.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            Main main = (Main) audit.spec.parent().userObject();
            PrintWriter err = audit.spec.commandLine().getErr();
            AuditStatus s;
            try (AuditControl control = AuditControl.open()) {
                s = control.status();
            } catch (LinuxException e) {
                err.println("upcall: cannot read the audit status: " + Printable.escape(e.getMessage()));
                if (e.isPermissionDenied()) {
                    err.println("upcall: that needs root (CAP_AUDIT_CONTROL); try: sudo bin/upcall audit status");
                }
                err.flush();
                return 1;
            }
            String[] names = {"enabled", "failure", "pid", "rate_limit", "backlog_limit", "lost", "backlog",
                    "feature_bitmap", "backlog_wait_time", "backlog_wait_time_actual"};
            long[] values = {s.enabled(), s.failure(), s.pid(), s.rateLimit(), s.backlogLimit(), s.lost(), s.backlog(),
                    s.featureBitmap(), s.backlogWaitTime(), s.backlogWaitTimeActual()};
            StringBuilder text = new StringBuilder();
            if (json) {
                JsonBuffer b = new JsonBuffer();
                b.beginObject();
                for (int i = 0; i < names.length; i++) {
                    b.field(names[i], values[i]);
                }
                b.endObject();
                text.append(new String(b.toByteArray(), StandardCharsets.UTF_8)).append('\n');
            } else {
                for (int i = 0; i < names.length; i++) {
                    text.append(names[i]).append(' ').append(i == 7 ? "0x" + Long.toHexString(values[i]) : values[i])
                            .append('\n');
                }
            }
            main.out().write(text.toString().getBytes(StandardCharsets.UTF_8));
            main.out().flush();
            return 0;
        }
    }

    /** {@code upcall audit enable}: sets the kernel's enabled flag to 1 ({@code auditctl -e 1}). */
    @Command(name = "enable", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Enable auditing (AUDIT_SET enabled=1, as auditctl -e 1). Needs root (CAP_AUDIT_CONTROL).")
    static final class Enable implements Callable<Integer> {
        @CommandLine.ParentCommand
        AuditCommand audit;

        @Override
        public Integer call() throws IOException {
            return audit.setEnabled(1);
        }
    }

    /** {@code upcall audit disable}: sets the kernel's enabled flag to 0 ({@code auditctl -e 0}). */
    @Command(name = "disable", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Disable auditing (AUDIT_SET enabled=0, as auditctl -e 0); rules stay. Needs root "
                    + "(CAP_AUDIT_CONTROL).")
    static final class Disable implements Callable<Integer> {
        @CommandLine.ParentCommand
        AuditCommand audit;

        @Override
        public Integer call() throws IOException {
            return audit.setEnabled(0);
        }
    }

    /** Sets the enabled flag and says what it was; a locked configuration (enabled 2) is refused by the kernel. */
    int setEnabled(int enabled) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        String verb = enabled == 1 ? "enable" : "disable";
        long was;
        try (AuditControl control = AuditControl.open()) {
            was = control.status().enabled();
            if (was != enabled) {
                control.set(AuditStatus.setEnabled(enabled));
            }
        } catch (LinuxException e) {
            err.println("upcall: cannot " + verb + " auditing: " + Printable.escape(e.getMessage()));
            if (e.isPermissionDenied()) {
                err.println("upcall: that needs root (CAP_AUDIT_CONTROL), and a configuration that is not locked "
                        + "(enabled 2 until reboot); try: sudo bin/upcall audit " + verb);
            }
            err.flush();
            return 1;
        }
        Main main = (Main) spec.parent().userObject();
        String said = "auditing " + verb + "d" + (was == enabled ? " already" : " (enabled was " + was + ")") + "\n";
        main.out().write(said.getBytes(StandardCharsets.UTF_8));
        main.out().flush();
        return 0;
    }

    /** {@code upcall audit parse}: an auditd log into the same events. */
    @Command(name = "parse", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "An auditd log (RAW or ENRICHED, such as /var/log/audit/audit.log) as the events audit watch "
                    + "prints: records grouped by serial, with the summary. A line that does not parse is a malformed "
                    + "event naming the line.")
    static final class Parse implements Callable<Integer> {
        @CommandLine.ParentCommand
        AuditCommand audit;

        @CommandLine.Parameters(paramLabel = "FILE", arity = "0..1", description = "The log; - or none: standard input.")
        String file;

        @Option(names = "--json", description = "JSON Lines (docs/events.md) instead of the table.")
        boolean json;

        @Option(names = "--key", paramLabel = "K", description = "Only events of rules with key K (repeatable).")
        List<String> keys = List.of();

        @Override
        public Integer call() throws Exception {
            Main main = (Main) audit.spec.parent().userObject();
            PrintWriter err = audit.spec.commandLine().getErr();
            EventOutput output = new EventOutput(main.out(), json ? null : new TableFormatter(false, Terminals.columns()),
                    null, () -> { });
            java.io.InputStream in;
            if (file == null || file.equals("-")) {
                in = System.in;
            } else {
                try {
                    in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(file));
                } catch (IOException e) {
                    err.println("upcall: " + Errors.cannotRead(java.nio.file.Path.of(file), e));
                    err.flush();
                    return 1;
                }
            }
            try (java.io.InputStream log = in) { // read as bytes: no string per line (BENCHMARKS.md, audit parsing)
                AuditLog.read(log, AuditOptions.defaults().withKeys(Set.copyOf(keys)), e -> {
                    try {
                        output.onEvent(e, false);
                    } catch (IOException x) {
                        throw new java.io.UncheckedIOException(x);
                    }
                });
                output.onClose();
            } catch (IOException | java.io.UncheckedIOException e) {
                err.println("upcall: cannot read " + (file == null ? "standard input" : file) + ": " + e.getMessage());
                err.flush();
                return 1;
            }
            return 0;
        }
    }

    /** {@code upcall audit watch}: audit events as they come. */
    @Command(name = "watch", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Audit events live: the records of each event (a syscall's SYSCALL, CWD, PATH, EXECVE, "
                    + "PROCTITLE; a login's USER_* record) grouped by serial, with a summary. Received from the "
                    + "read-only multicast group (CAP_AUDIT_READ) beside auditd; changes no rule and no setting unless "
                    + "--rule is given.", ""},
            footer = {"", "Examples:",
                    "  upcall audit watch --rule '-a always,exit -F arch=b64 -S chroot -k jail'",
                    "  upcall audit watch --rule '-w /etc/shadow -p wa -k shadow' --json",
                    "  upcall audit watch --key jail   (events of rules added with auditctl)",
                    "  upcall audit watch --daemon --json   (when no auditd runs)"})
    static final class Watch implements Callable<Integer> {
        @CommandLine.ParentCommand
        AuditCommand audit;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--json", description = "JSON Lines (docs/events.md) instead of the table.")
        boolean json;

        @Option(names = "--key", paramLabel = "K", description = "Only events of rules with key K (repeatable).")
        List<String> keys = List.of();

        @Option(names = "--daemon", description = "Receive as the audit daemon (AUDIT_SET pid): the kernel sends its "
                + "records to Upcall alone and stops logging them itself. Only when no other daemon is registered (a "
                + "registered pid that no longer runs is replaced, with a warning); otherwise it refuses, naming the "
                + "daemon's pid and command, exit 1. The role is given back at exit, also on SIGINT, SIGTERM and errors. "
                + "Needs root (CAP_AUDIT_CONTROL).")
        boolean daemon;

        @Option(names = "--rule", paramLabel = "RULE", description = "Add this audit rule for the run and delete it at "
                + "exit, also on SIGINT, SIGTERM and errors (repeatable): -a always,exit -F arch=b64 -S NAME[,NAME] -k KEY, "
                + "or -w PATH -p rwxa -k KEY. If auditing is disabled, it is enabled for the run and disabled again. "
                + "Each rule also gets the key upcall-PID-watch, so that upcall doctor can name one left behind by a "
                + "killed run. Needs root (CAP_AUDIT_CONTROL).")
        List<String> rules = List.of();

        @CommandLine.Mixin
        StopOptions stop = new StopOptions();

        @CommandLine.Mixin
        BufferOption buffer = new BufferOption();

        @CommandLine.Mixin
        ColorOption color = new ColorOption();

        @Override
        public Integer call() throws Exception {
            for (String k : keys) {
                if (k.isBlank()) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--key is empty: give the key of an audit rule (auditctl -k KEY), or leave it out");
                }
            }
            List<AuditRule> compiled = new ArrayList<>();
            for (String r : rules) {
                try {
                    compiled.add(AuditRuleSession.tagged(AuditRuleParser.parse(r, SystemRuleNames.system()), "watch"));
                } catch (AuditRuleException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--rule: " + e.getMessage());
                }
            }
            Main main = (Main) audit.spec.parent().userObject();
            AuditOptions options = AuditOptions.defaults().withKeys(Set.copyOf(keys)).withReceiveBuffer(buffer.receiveBuffer)
                    .withDaemon(daemon);
            PrintWriter err = spec.commandLine().getErr();
            StreamRunner runner = new StreamRunner(err);
            TableFormatter table = json ? null : new TableFormatter(color.useColor(), Terminals.columns());
            if (compiled.isEmpty()) {
                return runner.print(Upcall.builder().source(options), main.out(),
                        new StreamRunner.Output(json, stop.count, stop.duration, table), "audit watch");
            }
            EventOutput output = new EventOutput(main.out(), table, stop.count, runner::stop);
            RulesInPlace inPlace = new RulesInPlace(compiled, output, err);
            try {
                return runner.run(Upcall.builder().source(options).subscribe(output), stop.duration, "audit watch", inPlace);
            } finally {
                inPlace.closed(); // once: also when the stream ended by an exception
            }
        }
    }

    /**
     * The rules of {@code watch --rule}: added once the stream listens (so that no event of theirs is missed), deleted
     * and the enabled flag restored when it ends, whichever way.
     */
    private static final class RulesInPlace implements StreamRunner.Session {
        private final List<AuditRule> rules;
        private final EventOutput output;
        private final PrintWriter err;
        private AuditRuleSession session;

        RulesInPlace(List<AuditRule> rules, EventOutput output, PrintWriter err) {
            this.rules = rules;
            this.output = output;
            this.err = err;
        }

        @Override
        public int started(Upcall upcall) throws IOException {
            try {
                session = AuditRuleSession.open(rules);
            } catch (LinuxException e) {
                err.println("upcall: cannot add the audit rules: " + Printable.escape(e.getMessage()));
                if (e.isPermissionDenied()) {
                    err.println("upcall: that needs root (CAP_AUDIT_CONTROL); try: sudo bin/upcall audit watch --rule ...");
                }
                err.flush();
                return 1;
            }
            if (session.enabledHere()) {
                err.println("upcall: auditing was disabled: enabled for this run, disabled again at exit");
                err.flush();
            }
            output.flush();
            return 0;
        }

        @Override
        public void closed() throws IOException {
            AuditRuleSession s = session;
            session = null;
            if (s != null) {
                try {
                    s.close();
                } catch (LinuxException e) {
                    throw new IOException("could not remove the audit rules it added (check with auditctl -l): "
                            + e.getMessage(), e);
                }
            }
        }
    }
}
