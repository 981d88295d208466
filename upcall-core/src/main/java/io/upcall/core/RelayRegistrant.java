package io.upcall.core;

/**
 * One process registered with a relay to be signalled, as {@code upcall relay processes} lists it.
 *
 * @param signal        the signal it is sent (the relay's default when {@code defaultSignal})
 * @param defaultSignal whether it follows the relay's default signal, which may change
 * @param sent          signals queued to it
 * @param failed        signals the kernel refused: its queue of pending signals was full (EAGAIN) or the
 *                      relay may not signal it (EPERM)
 */
public record RelayRegistrant(int pid, String comm, int signal, boolean defaultSignal, RelayFilter filter, long sent,
        long failed) {}
