package io.upcall.cli;

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
