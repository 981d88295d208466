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

        /**
         * The signal that ended the program, as the kernel's wait status says: 0 when it exited, -1 when the kernel
         * does not say (before Linux 6.15). Only after {@link #waitFor} returned true: {@link #exitStatus()} is 143
         * both for {@code exit 143} and for death by SIGTERM, and only this tells them apart.
         */
        int termSignal();

        /** Sends {@code signal} ({@code SIGTERM} or {@code SIGKILL}) to the program and all it started. */
        void signal(int signal);

        /**
         * Once the program has ended or been given up on: ends whatever it left running (a double-forked daemon too,
         * where the launcher can find one) and releases what the launcher held for it.
         */
        void close();
    }
}
