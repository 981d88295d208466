package io.upcall.core.guard;

import java.util.function.IntFunction;

/**
 * One access waiting for a {@link Decision}: what, on which path, by which process. The process context is read
 * from {@code /proc/PID} only when asked for ({@link #opener()}), once.
 */
public final class AccessRequest {
    private final Operation operation;
    private final String path;
    private final int pid;
    private final IntFunction<Opener> openers;
    private Opener opener;

    /**
     * @param path    the file as the kernel names it ({@code readlink} of the event's fd), or null when unknown
     * @param openers reads a process's context ({@code /proc/PID}); tests give a fixed one
     */
    public AccessRequest(Operation operation, String path, int pid, IntFunction<Opener> openers) {
        this.operation = operation;
        this.path = path;
        this.pid = pid;
        this.openers = openers;
    }

    public Operation operation() {
        return operation;
    }

    /** The file, or null when the guard could not name it. */
    public String path() {
        return path;
    }

    public int pid() {
        return pid;
    }

    /** The opener's uid, executable and name: read on first call, then kept. */
    public Opener opener() {
        if (opener == null) {
            opener = openers.apply(pid);
        }
        return opener;
    }

    /** The opener if a policy asked for it, else null (the guard reads it after answering, for the stream). */
    Opener openerIfRead() {
        return opener;
    }

    @Override
    public String toString() {
        return operation.word() + " " + path + " by " + pid;
    }
}
