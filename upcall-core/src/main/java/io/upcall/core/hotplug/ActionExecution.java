package io.upcall.core.hotplug;

import io.upcall.linux.Signals;
import io.upcall.protocol.uevent.Uevent;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs one rule's program for one uevent, on a worker thread, and says how it ended: started, waited for up
 * to the rule's timeout, then stopped (SIGTERM, a grace period, SIGKILL) if it ran too long or Upcall closed;
 * whatever it left running is ended with it.
 * Clocks and the launcher are injected, so that tests need neither time nor processes.
 */
final class ActionExecution {
    static final long DEFAULT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** After SIGKILL only a task stuck in the kernel (D state) stays: don't wait for it forever. */
    private static final long AFTER_KILL_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** One program to run: the rule, the uevent, and what to run. */
    record Action(RuleMatcher rule, Uevent uevent, List<String> argv, long order) {}

    private final Launcher launcher;
    private final Supplier<Instant> now;
    private final LongSupplier nanoTime;
    private final long graceNanos;

    ActionExecution(Launcher launcher, Supplier<Instant> now, LongSupplier nanoTime, long graceNanos) {
        this.launcher = launcher;
        this.now = now;
        this.nanoTime = nanoTime;
        this.graceNanos = graceNanos;
    }

    Launcher launcher() {
        return launcher;
    }

    /** The longest {@link #run} takes to stop a program once asked to: the grace period and the wait after SIGKILL. */
    long stopNanos() {
        return graceNanos + AFTER_KILL_NANOS;
    }

    ActionEvent run(Action a) {
        long start = nanoTime.getAsLong();
        Launcher.Job job;
        try {
            job = launcher.start(a.argv(), RuleMatcher.environment(a.uevent()));
        } catch (IOException | RuntimeException e) {
            return outcome(a, start, ActionEvent.NONE, ActionEvent.NONE, null, false, "cannot start: " + e.getMessage());
        }
        try {
            return await(a, start, job);
        } finally {
            job.close(); // what it left running ends with it, as udev ends what its RUN programs leave
        }
    }

    private ActionEvent await(Action a, long start, Launcher.Job job) {
        boolean ended;
        boolean closing = false;
        try {
            ended = job.waitFor(a.rule().timeoutNanos());
        } catch (InterruptedException e) {
            ended = false;
            closing = true; // Upcall is closing: stop the program, report it, keep the interrupt for the pool
        }
        if (ended) {
            return ended(a, start, job, false, null);
        }
        boolean gone = stop(job);
        if (closing) {
            Thread.currentThread().interrupt();
        }
        String error = !gone ? "still running after SIGKILL" : closing ? "stopped: Upcall closed while it ran" : null;
        if (!gone) {
            return outcome(a, start, job.pid(), ActionEvent.NONE, null, !closing, error);
        }
        return ended(a, start, job, !closing, error);
    }

    /**
     * The outcome of a program that ended: by a signal only when the kernel's wait status says so (whoever sent it), not
     * whenever the status is 128 + the signal Upcall sent, which {@code exit 143} gives too.
     */
    private ActionEvent ended(Action a, long start, Launcher.Job job, boolean timedOut, String error) {
        int signal = job.termSignal();
        if (signal > 0) {
            return outcome(a, start, job.pid(), ActionEvent.NONE, Signals.name(signal), timedOut, error);
        }
        return outcome(a, start, job.pid(), job.exitStatus(), null, timedOut, error);
    }

    /** SIGTERM, then after the grace period SIGKILL; whether it ended. */
    private boolean stop(Launcher.Job job) {
        job.signal(Signals.SIGTERM);
        if (waitUninterruptibly(job, graceNanos)) {
            return true;
        }
        job.signal(Signals.SIGKILL);
        return waitUninterruptibly(job, AFTER_KILL_NANOS);
    }

    private static boolean waitUninterruptibly(Launcher.Job job, long nanos) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    return job.waitFor(nanos);
                } catch (InterruptedException e) {
                    interrupted = true; // stopping is already under way: finish it, bounded by nanos
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ActionEvent outcome(Action a, long start, long pid, int status, String signal, boolean timedOut, String error) {
        Uevent u = a.uevent();
        return new ActionEvent(now.get(), a.rule().number(), a.rule().rule().name(), u.devpath(), u.subsystem(), u.seqnum(),
                u.action(), a.argv(), pid, status, signal, Duration.ofNanos(nanoTime.getAsLong() - start), timedOut, error);
    }
}
