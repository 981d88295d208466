package io.upcall.core.guard;

import java.util.Objects;

/**
 * A policy's answer to one access, and why.
 *
 * @param verdict allow or deny
 * @param rule    which rule decided, as the stream shows it ({@code deny-exec GLOB}, {@code default})
 */
public record Decision(Verdict verdict, String rule) {
    public Decision {
        Objects.requireNonNull(verdict);
        Objects.requireNonNull(rule);
    }
}
