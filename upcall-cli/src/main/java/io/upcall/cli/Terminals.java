package io.upcall.cli;

import io.upcall.linux.TerminalSize;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import sun.misc.Signal;

/** What the command learns from its terminal and its signals. */
final class Terminals {
    private Terminals() {}

    /** Colors on a terminal unless {@code NO_COLOR} is set (no-color.org); or as forced by {@code --color}. */
    static boolean useColor(ColorOption.Mode mode) {
        return switch (mode) {
            case always -> true;
            case never -> false;
            case auto -> System.getenv("NO_COLOR") == null && System.console() != null && System.console().isTerminal();
        };
    }

    /** How soon after the second signal a third one aborts the clean stop. */
    private static final long ABORT_WINDOW_NANOS = 3_000_000_000L;

    /**
     * The width of the terminal that standard output goes to ({@code TIOCGWINSZ}, as {@code stty size}; else
     * {@code $COLUMNS}), kept up to date on SIGWINCH; 0 when standard output is a pipe or a file, so that lines stay
     * whole there, as those of forkstat and ps do.
     */
    static IntSupplier columns() {
        int now = width(TerminalSize.columns(1), System.getenv("COLUMNS"));
        if (now == 0) {
            return () -> 0;
        }
        AtomicInteger current = new AtomicInteger(now);
        try {
            Signal.handle(new Signal("WINCH"), signal -> current.set(width(TerminalSize.columns(1), System.getenv("COLUMNS"))));
        } catch (IllegalArgumentException e) {
            // This JVM keeps SIGWINCH to itself: the width at start stays.
        }
        return current::get;
    }

    /** From what the terminal says (-1: not one, 0: it does not say) and {@code $COLUMNS}. */
    static int width(int terminal, String columnsVariable) {
        if (terminal != 0) {
            return Math.max(0, terminal);
        }
        try {
            return columnsVariable == null ? 0 : Math.max(0, Integer.parseInt(columnsVariable.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Runs {@code stop} on the first SIGINT, SIGTERM or SIGHUP, so the stream ends cleanly (flushed, unsubscribed,
     * exit 0). A second signal does not abort that: {@code timeout -s INT} and a terminal's Ctrl-C signal the whole
     * process group, so one press often arrives twice. A third within three seconds of the second exits at once,
     * saying so, with the conventional status.
     */
    static void onTerminationSignals(Runnable stop) {
        sun.misc.SignalHandler handler = new sun.misc.SignalHandler() {
            private int seen;
            private long secondAt;

            @Override
            public synchronized void handle(Signal signal) {
                seen++;
                if (seen == 1) {
                    stop.run();
                } else if (seen == 2) {
                    secondAt = System.nanoTime();
                    System.err.println("upcall: stopping cleanly; another signal within 3 s exits without flushing");
                } else if (System.nanoTime() - secondAt < ABORT_WINDOW_NANOS) {
                    System.err.println("upcall: SIG" + signal.getName() + " again: exiting without a clean stop");
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                } else {
                    secondAt = System.nanoTime();
                    seen = 2;
                }
            }
        };
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            Signal.handle(new Signal(name), handler);
        }
    }
}
