package io.upcall.cli;

import io.upcall.linux.TerminalSize;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import sun.misc.Signal;

/** What the command learns from its terminal and its signals. */
final class Terminals {
    private Terminals() {}

    /** Colors on a terminal unless {@code NO_COLOR} is set (no-color.org); or as forced by {@code --color}. */
    static boolean useColor(StreamOptions.ColorMode mode) {
        return switch (mode) {
            case always -> true;
            case never -> false;
            case auto -> System.getenv("NO_COLOR") == null && System.console() != null && System.console().isTerminal();
        };
    }

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
     * Runs {@code stop} on the first SIGINT or SIGTERM, so the stream ends cleanly (flushed, unsubscribed,
     * exit 0); a second one exits at once with the conventional status.
     */
    static void onTerminationSignals(Runnable stop) {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), new sun.misc.SignalHandler() {
                private boolean seen;

                @Override
                public synchronized void handle(Signal signal) {
                    if (seen) {
                        Runtime.getRuntime().halt(128 + signal.getNumber());
                    }
                    seen = true;
                    stop.run();
                }
            });
        }
    }
}
