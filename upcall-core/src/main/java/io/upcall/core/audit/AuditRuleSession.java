package io.upcall.core.audit;

import io.upcall.linux.LinuxException;
import io.upcall.protocol.audit.AuditRule;
import io.upcall.protocol.audit.AuditRuleParser;
import io.upcall.protocol.audit.AuditStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Audit rules in place for a while ({@code upcall audit watch --rule}): opening enables auditing if it is disabled and
 * adds the rules; closing deletes exactly those rules and puts the enabled flag back as it was. Nothing else is
 * changed (rate and backlog limits, the daemon pid). If adding one rule fails, those already added are deleted and the
 * flag restored before the failure is thrown. Needs {@code CAP_AUDIT_CONTROL}; the kernel checks it on each request.
 *
 * <p>Rules Upcall adds on its own behalf carry one more key, {@code upcall-PID-PURPOSE} ({@link #tagged}), beside the
 * user's: a rule left behind by a process that was killed ({@code SIGKILL} runs no clean-up) is then recognizable, and
 * {@code upcall doctor} reports it with the pid that added it (LeftoverRules).
 */
public final class AuditRuleSession implements AutoCloseable {
    /** The start of the key Upcall adds to its rules: {@code upcall-PID-PURPOSE}. */
    public static final String KEY_PREFIX = "upcall-";
    private final AuditControl control;
    private final AuditStatus before;
    private final List<AuditRule> added = new ArrayList<>();
    private boolean enabledHere;
    private boolean closed;

    private AuditRuleSession(AuditControl control, AuditStatus before) {
        this.control = control;
        this.before = before;
    }

    /** The key of rules this process adds for {@code purpose} ({@code exec}, {@code watch}): {@code upcall-PID-PURPOSE}. */
    public static String key(String purpose) {
        if (!purpose.matches("[a-z]+")) {
            throw new IllegalArgumentException("a purpose is lower-case letters, not " + purpose);
        }
        return KEY_PREFIX + ProcessHandle.current().pid() + "-" + purpose;
    }

    /** {@code rule} with this process's key for {@code purpose} added to its keys (the kernel joins them by \x01). */
    public static AuditRule tagged(AuditRule rule, String purpose) {
        return AuditRuleParser.parse(rule.text() + " -k " + key(purpose), SystemRuleNames.system());
    }

    /** Enables auditing if needed and adds {@code rules}, in order. */
    public static AuditRuleSession open(List<AuditRule> rules) throws LinuxException {
        AuditControl control = AuditControl.open();
        AuditRuleSession session;
        try {
            session = new AuditRuleSession(control, control.status());
        } catch (LinuxException | RuntimeException e) {
            control.close();
            throw e;
        }
        try {
            if (session.before.enabled() == 0 && !rules.isEmpty()) {
                control.set(AuditStatus.setEnabled(1));
                session.enabledHere = true;
            }
            for (AuditRule r : rules) {
                control.addRule(r);
                session.added.add(r);
            }
        } catch (LinuxException | RuntimeException e) {
            try {
                session.close();
            } catch (LinuxException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
        return session;
    }

    /** The status when the session opened. */
    public AuditStatus before() {
        return before;
    }

    /** Whether this session enabled auditing (it was disabled), to be disabled again on close. */
    public boolean enabledHere() {
        return enabledHere;
    }

    /**
     * Deletes the rules added, newest first, and restores the enabled flag; once. Every step is tried; the first failure
     * is thrown after the others ran, the rest added to it.
     */
    @Override
    public void close() throws LinuxException {
        if (closed) {
            return;
        }
        closed = true;
        LinuxException failure = null;
        try {
            for (int i = added.size() - 1; i >= 0; i--) {
                try {
                    control.deleteRule(added.get(i));
                } catch (LinuxException e) {
                    failure = first(failure, e);
                }
            }
            if (enabledHere) {
                try {
                    control.set(AuditStatus.setEnabled(before.enabled()));
                } catch (LinuxException e) {
                    failure = first(failure, e);
                }
            }
        } finally {
            control.close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static LinuxException first(LinuxException failure, LinuxException e) {
        if (failure == null) {
            return e;
        }
        failure.addSuppressed(e);
        return failure;
    }
}
