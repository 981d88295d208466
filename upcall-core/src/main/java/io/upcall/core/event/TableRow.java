package io.upcall.core.event;

/**
 * An event in the human table ({@code upcall monitor}, {@code procs}): after the time, a short name, an id
 * (a pid) when there is one, a few words of detail, and what it is about (a command line, a device path). The
 * tone says how it may be colored; the CLI decides whether and how.
 *
 * @param tone   what kind of news it is
 * @param event  the name in the table ({@code fork}, {@code thr-exit}, {@code LOSS}), at most 9 characters
 * @param id     the pid or another number, or empty
 * @param info   a few words: {@code parent 1234}, {@code status 7}
 * @param about  the subject: a command line, a device path; any text a process chose is in here or in info
 */
public record TableRow(Tone tone, String event, String id, String info, String about) {

    /** How an event reads at a glance. */
    public enum Tone {
        /** Something began: a fork, a program that succeeded. */
        BEGIN,
        /** Something ended normally. */
        END,
        /** A change of what something is: an exec, a rename. */
        CHANGE,
        /** Credentials, sessions, tracing; input Upcall refused. */
        NOTICE,
        /** A failure, a crash, lost events. */
        ALERT,
        /** A device. */
        DEVICE,
        /** Detail most readers skip: threads, acknowledgements. */
        FAINT
    }

    /** A row without an id. */
    public static TableRow of(Tone tone, String event, String info, String about) {
        return new TableRow(tone, event, "", info, about);
    }
}
