package io.upcall.core.relay;

import io.upcall.core.proc.ProcEventType;

/**
 * Receives what a relay registration asked for, as a callback instead of a signal: a JVM cannot safely take
 * arbitrary real-time signals. Called on Upcall's dispatch thread, in the kernel's order; keep it short.
 */
@FunctionalInterface
public interface RelayListener {
    /**
     * @param type fork, exec or exit
     * @param pid  for a fork the child (a thread id with {@link RelayFilter#threads()}), otherwise the process
     */
    void onRelay(ProcEventType type, int pid);
}
