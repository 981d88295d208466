package io.upcall.cli;

import io.upcall.core.DeviceOptions;
import io.upcall.core.ProcOptions;
import io.upcall.core.Upcall;
import io.upcall.linux.LinuxException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one stream to its end: starts Upcall with the options, writes events (table or JSON Lines) to
 * standard output, and stops cleanly on {@code --count}, {@code --duration}, SIGINT, SIGTERM or a closed
 * pipe, exiting 0 after the sources have unsubscribed and the output is flushed.
 */
final class StreamRunner {
    private final OutputStream out;
    private final PrintWriter err;
    private final CountDownLatch done = new CountDownLatch(1);

    /** Output settings every streaming command has. */
    record Output(boolean json, Long count, Duration duration, TableFormatter table) {}

    StreamRunner(OutputStream out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    /** {@code procs} and {@code monitor}: the process options, then {@link #run(Upcall.Builder, Output, String)}. */
    int runProcs(StreamOptions options, ProcOptions proc, DeviceOptions devices) throws InterruptedException {
        return runProcs(options, proc, devices, Upcall.builder());
    }

    /** As above, on a builder the caller already gave subscribers of its own (the relay in {@code monitor --relay}). */
    int runProcs(StreamOptions options, ProcOptions proc, DeviceOptions devices, Upcall.Builder builder)
            throws InterruptedException {
        builder
                .proc(proc.withReceiveBuffer(options.buffer.receiveBuffer))
                .processContext(!options.noProcess)
                .ancestors(options.ancestors);
        if (devices != null) {
            builder.devices(devices).skipUnavailable(true);
        }
        if (options.pid != null) {
            builder.pid(options.pid);
        }
        if (options.tree != null) {
            builder.tree(options.tree);
        }
        return run(builder, new Output(options.json, options.stop.count, options.stop.duration,
                options.json ? null : new TableFormatter(Terminals.useColor(options.color), Terminals.columns())), "procs");
    }

    /** Starts {@code builder}'s sources and streams until --count, --duration, a signal or a closed pipe. */
    int run(Upcall.Builder builder, Output settings, String command) throws InterruptedException {
        // First thing: a signal during start-up must also end the stream cleanly, not kill the JVM.
        Terminals.onTerminationSignals(done::countDown);
        EventOutput output = new EventOutput(out, settings.table(), settings.count(), done::countDown);
        Upcall upcall;
        try {
            upcall = builder.subscribe(output).errorHandler(this::onError).start();
        } catch (LinuxException e) {
            err.println("upcall: cannot listen: " + e.getMessage());
            if (e.isPermissionDenied()) {
                err.println("upcall: on this kernel that needs root (CAP_NET_ADMIN); try: sudo bin/upcall " + command
                        + "   (upcall doctor tells more)");
            }
            err.flush();
            return 1;
        }
        for (String w : upcall.warnings()) {
            err.println("upcall: warning: " + Printable.escape(w));
        }
        err.flush();
        try {
            output.flush(); // the table's header now: on a quiet machine the first event may be a while
        } catch (IOException e) {
            done.countDown(); // standard output is gone already
        }
        try {
            if (settings.duration() != null) {
                done.await(settings.duration().toMillis(), TimeUnit.MILLISECONDS);
            } else {
                done.await();
            }
        } finally {
            upcall.close();
        }
        return 0;
    }

    private void onError(String where, Throwable error) {
        if (error instanceof IOException && where.startsWith("subscriber")) {
            // Standard output went away (`| head`): end the stream quietly, as cat does.
            done.countDown();
            return;
        }
        err.println("upcall: " + where + ": " + Printable.escape(error.getMessage()));
        err.flush();
    }
}
