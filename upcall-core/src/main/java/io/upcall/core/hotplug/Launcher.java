package io.upcall.core.hotplug;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Starts programs for hotplug rules: real processes, or in tests a fake that needs no clock. */
interface Launcher {

    /** Starts {@code argv} with exactly {@code env} as its environment. */
    Job start(List<String> argv, Map<String, String> env) throws IOException;

    /** A started program. */
    interface Job {
        long pid();

        /** @return true when the program has ended (at once, or within {@code nanos}) */
        boolean waitFor(long nanos) throws InterruptedException;

        /** The exit status as {@link Process#exitValue()} gives it; only after {@link #waitFor} returned true. */
        int exitStatus();

        /** Sends {@code signal} ({@code SIGTERM} or {@code SIGKILL}) to the program and its descendants. */
        void signal(int signal);
    }
}
