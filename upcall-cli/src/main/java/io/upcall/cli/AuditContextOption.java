package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.audit.AuditEvent;
import io.upcall.core.audit.AuditOptions;
import io.upcall.core.audit.AuditRuleSession;
import io.upcall.core.event.Event;
import io.upcall.core.proc.ProcOptions;
import io.upcall.linux.LinuxException;
import io.upcall.protocol.audit.AuditRule;
import io.upcall.protocol.audit.AuditRuleParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --audit-context} of {@code procs} and {@code monitor}: the audit channel joins the stream, an {@code execve}
 * rule keyed {@code upcall-PID-exec} is in place for the run, and an exec event whose process was gone before
 * {@code /proc} could be read waits (briefly) for audit's records of that exec to name its program.
 */
final class AuditContextOption {
    @Option(names = "--audit-context", description = "Take the program (exe, argv, cwd) of processes gone before /proc "
            + "could be read from audit's execve records: receives audit (CAP_AUDIT_READ) and adds an execve rule keyed "
            + "upcall-PID-exec for the run, removed at exit (CAP_AUDIT_CONTROL; enables auditing for the run if it is "
            + "disabled). While it is in place every exec on the machine is audited, with its arguments. Each exec "
            + "event waits for its records (at most 5 s; where /proc lacks or contradicts them, they win); "
            + "process.context says where each program came from.")
    boolean on;

    /** The proc options with the wait for witnesses when asked for. */
    ProcOptions proc(ProcOptions base) {
        return on ? base.withExecWitnessWait(ProcOptions.DEFAULT_WITNESS_WAIT) : base;
    }

    /** Adds the audit channel when asked for (monitor has it already, without a key filter). */
    Upcall.Builder source(Upcall.Builder builder, int receiveBuffer) {
        return on ? builder.source(AuditOptions.defaults().withReceiveBuffer(receiveBuffer)) : builder;
    }

    /** Whether {@code procs} shows the event: audit's own events only feed the context there. */
    static boolean procsShows(Event e) {
        return !(e instanceof AuditEvent);
    }

    /** The execve rules of the run, for both ABIs a 64-bit kernel runs. */
    static List<AuditRule> rules() {
        String key = AuditRuleSession.key("exec");
        return List.of(AuditRuleParser.parse("-a always,exit -F arch=b64 -S execve,execveat -k " + key),
                AuditRuleParser.parse("-a always,exit -F arch=b32 -S execve,execveat -k " + key));
    }

    /** The session that puts the rules in place once the stream listens, and removes them when it ends. */
    StreamRunner.Session session(PrintWriter err, String command) {
        if (!on) {
            return new StreamRunner.Session() { };
        }
        return new StreamRunner.Session() {
            private AuditRuleSession rules;

            @Override
            public int started(Upcall upcall) {
                try {
                    rules = AuditRuleSession.open(rules());
                } catch (LinuxException e) {
                    err.println("upcall: --audit-context: cannot add the execve audit rule: "
                            + Printable.escape(e.getMessage()));
                    if (e.isPermissionDenied()) {
                        err.println("upcall: that needs root (CAP_AUDIT_CONTROL); try: sudo bin/upcall " + command
                                + " --audit-context");
                    }
                    err.flush();
                    return 1;
                }
                if (rules.enabledHere()) {
                    err.println("upcall: auditing was disabled: enabled for this run, disabled again at exit");
                    err.flush();
                }
                return 0;
            }

            @Override
            public void closed() throws IOException {
                AuditRuleSession s = rules;
                rules = null;
                if (s != null) {
                    try {
                        s.close();
                    } catch (LinuxException e) {
                        throw new IOException("could not remove the execve audit rule it added (check with auditctl "
                                + "-l; upcall doctor names rules left behind): " + e.getMessage(), e);
                    }
                }
            }
        };
    }
}
