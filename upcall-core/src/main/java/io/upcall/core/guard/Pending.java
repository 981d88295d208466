package io.upcall.core.guard;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A permission event read and not yet known to be answered. Exactly one thread answers it: the one that wins
 * {@link #claim()} (the decision thread, the watchdog, or the closing thread). The winner writes the answer and then
 * closes the event's fd; nobody else touches the fd, whose number the kernel reuses for a later event once closed.
 *
 * @param fd          the event's fd: the key of the answer
 * @param readNanos   when the guard read it ({@link System#nanoTime()})
 * @param answerBy    when the watchdog answers it if nobody has
 */
record Pending(int fd, int pid, Operation operation, String path, long readNanos, long answerBy, AtomicBoolean answered) {

    Pending(int fd, int pid, Operation operation, String path, long readNanos, long answerBy) {
        this(fd, pid, operation, path, readNanos, answerBy, new AtomicBoolean());
    }

    /** True for the one caller that may answer. */
    boolean claim() {
        return answered.compareAndSet(false, true);
    }

    boolean isAnswered() {
        return answered.get();
    }
}
