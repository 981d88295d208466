package io.upcall.protocol.audit;

/** A rule that cannot be compiled: what is wrong, at which character of the rule, and what to write instead. */
public final class AuditRuleException extends IllegalArgumentException {
    private final int position;

    public AuditRuleException(String rule, int position, String message) {
        super("rule '" + rule + "' at character " + (position + 1) + ": " + message);
        this.position = position;
    }

    /** The 0-based character of the rule where the fault is. */
    public int position() {
        return position;
    }
}
