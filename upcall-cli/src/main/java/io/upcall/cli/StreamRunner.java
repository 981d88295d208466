package io.upcall.cli;

import io.upcall.core.ProcOptions;
import io.upcall.core.Upcall;
import io.upcall.linux.LinuxException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one stream to its end: starts Upcall with the options, writes events (table or JSON Lines) to
 * standard output, and stops cleanly on {@code --count}, {@code --duration}, SIGINT, SIGTERM or a closed
 * pipe, exiting 0 after the sources have unsubscribed and the output is flushed.
 */
final class StreamRunner {
    private final StreamOptions options;
    private final OutputStream out;
    private final PrintWriter err;
    private final CountDownLatch done = new CountDownLatch(1);

    StreamRunner(StreamOptions options, OutputStream out, PrintWriter err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    int run(ProcOptions proc) throws InterruptedException {
        // First thing: a signal during start-up must also end the stream cleanly, not kill the JVM.
        Terminals.onTerminationSignals(done::countDown);
        EventOutput output = new EventOutput(out, options.json ? null : new TableFormatter(Terminals.useColor(options.color)),
                options.count, done::countDown);
        Upcall.Builder builder = Upcall.builder()
                .proc(proc.withReceiveBuffer(options.receiveBuffer))
                .processContext(!options.noProcess)
                .ancestors(options.ancestors)
                .subscribe(output)
                .errorHandler(this::onError);
        if (options.pid != null) {
            builder.pid(options.pid);
        }
        if (options.tree != null) {
            builder.tree(options.tree);
        }
        Upcall upcall;
        try {
            upcall = builder.start();
        } catch (LinuxException e) {
            err.println("upcall: cannot listen to the proc connector: " + e.getMessage());
            if (e.isPermissionDenied()) {
                err.println("upcall: on this kernel the proc connector needs root (CAP_NET_ADMIN); try: sudo bin/upcall "
                        + (options.json ? "procs --json" : "procs") + "   (upcall doctor tells more)");
            }
            err.flush();
            return 1;
        }
        for (String w : upcall.warnings()) {
            err.println("upcall: warning: " + w);
        }
        err.flush();
        try {
            if (options.duration != null) {
                done.await(options.duration.toMillis(), TimeUnit.MILLISECONDS);
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
        err.println("upcall: " + where + ": " + error.getMessage());
        err.flush();
    }
}
