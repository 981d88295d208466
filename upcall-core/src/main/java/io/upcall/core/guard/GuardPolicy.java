package io.upcall.core.guard;

/**
 * Decides one access. The guard calls it on its decision thread while the opener waits in the kernel, so it must
 * not block: no file, socket or lock that another process can hold. {@link AccessRequest#opener()} reads
 * {@code /proc/PID} on demand; that is the only I/O a policy should cause. A policy that is late anyway is overruled:
 * the guard's watchdog answers with the on-timeout verdict before the deadline, and a later answer is dropped. A
 * policy that throws counts as late.
 *
 * <p>{@link GuardRules} is the one Upcall has (first matching rule wins); the rules issue plugs another in here.
 */
@FunctionalInterface
public interface GuardPolicy {

    Decision decide(AccessRequest request);

    /**
     * Whether {@link #decide} may block (it reads {@code /proc/PID} or anything else outside memory). A policy that
     * says false is asked on the guard's reading thread, the moment the event is read, which spares the opener a
     * wake-up of another thread; it must then be quick as well as non-blocking, because the watchdog can answer only
     * events that were read. The default, true, is the safe answer.
     */
    default boolean mayBlock() {
        return true;
    }

    /**
     * Whether {@link #decide} looks at {@link AccessRequest#path()}. A policy that says false gets a null path and is
     * answered without the {@code readlink} that names the file; the guard names it after answering, for the stream.
     * The default, true, is the safe answer.
     */
    default boolean needsPath() {
        return true;
    }
}
