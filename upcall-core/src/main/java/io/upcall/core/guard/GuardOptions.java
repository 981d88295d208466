package io.upcall.core.guard;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the guard watches and how it answers when its policy is late.
 *
 * @param paths     files and directories to mark; a directory covers the files directly in it
 *                  ({@code FAN_EVENT_ON_CHILD}), not those in its subdirectories
 * @param mount     mark the mount each path is on instead ({@code FAN_MARK_MOUNT}): every file of that mount
 * @param deadline  how long an opener may wait for the answer, counted from when the guard read the event; the
 *                  watchdog answers before it passes
 * @param onTimeout the answer when the policy did not decide in time (or threw)
 */
public record GuardOptions(List<Path> paths, boolean mount, Duration deadline, Verdict onTimeout) {
    /** 250 ms: long enough for any non-blocking policy, short enough that a stuck one is not a hung host. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofMillis(250);
    public static final Duration MIN_DEADLINE = Duration.ofMillis(10);
    /** Ten minutes: a guard that makes openers wait longer is a hung host by another name. */
    public static final Duration MAX_DEADLINE = Duration.ofMinutes(10);

    public GuardOptions {
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("the guard needs at least one path to mark");
        }
        if (deadline.compareTo(MIN_DEADLINE) < 0 || deadline.compareTo(MAX_DEADLINE) > 0) {
            throw new IllegalArgumentException("deadline " + deadline.toMillis() + " ms is outside " + MIN_DEADLINE.toMillis()
                    + ".." + MAX_DEADLINE.toMillis() + " ms");
        }
    }

    /** Marks {@code paths} with the default deadline, allowing on timeout. */
    public static GuardOptions of(List<Path> paths) {
        return new GuardOptions(paths, false, DEFAULT_DEADLINE, Verdict.ALLOW);
    }

    public GuardOptions withDeadline(Duration d) {
        return new GuardOptions(paths, mount, d, onTimeout);
    }

    public GuardOptions withOnTimeout(Verdict v) {
        return new GuardOptions(paths, mount, deadline, v);
    }

    public GuardOptions withMount(boolean m) {
        return new GuardOptions(paths, m, deadline, onTimeout);
    }

    /**
     * When the watchdog answers: this much before the deadline, so that its own wake-up and the write fit. A quarter
     * of the deadline, at most 50 ms.
     */
    long slackNanos() {
        return Math.min(deadline.toNanos() / 4, Duration.ofMillis(50).toNanos());
    }
}
