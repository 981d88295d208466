package io.upcall.cli;

import io.upcall.core.Upcall;
import io.upcall.core.event.ErrorHandler;
import io.upcall.core.event.Event;
import io.upcall.core.event.Subscriber;
import io.upcall.core.proc.ProcOptions;
import io.upcall.linux.LinuxException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The one lifecycle of every streaming command ({@code monitor}, {@code procs}, {@code devices}, {@code record},
 * {@code relay serve}): start the channels, say the warnings, run until {@code --count}, {@code --duration},
 * SIGINT, SIGTERM, SIGHUP or a closed pipe, then close: channels unsubscribed, output flushed, exit 0.
 */
final class StreamRunner {
    private final PrintWriter err;
    private final CountDownLatch done = new CountDownLatch(1);

    /** Output settings every event-printing command has. */
    record Output(boolean json, Long count, Duration duration, TableFormatter table) {}

    /** What a command does around its stream. */
    interface Session {
        /** Where failures that do not stop the stream go; null: printed as {@code upcall: WHERE: WHY}. */
        default ErrorHandler errors() {
            return null;
        }

        /** After the channels started, before waiting; a non-zero exit status ends the stream at once (after close). */
        default int started(Upcall upcall) throws IOException {
            return 0;
        }

        /** Last, after the stream closed. */
        default void closed() throws IOException, InterruptedException {}
    }

    StreamRunner(PrintWriter err) {
        this.err = err;
    }

    /** Ends the stream (from a subscriber that has seen enough, a recorder whose file is full). */
    void stop() {
        done.countDown();
    }

    /** {@code procs} and {@code monitor}: the stream options on top of {@code base}. */
    static ProcOptions procOptions(StreamOptions options, ProcOptions base) {
        ProcOptions proc = base.withReceiveBuffer(options.buffer.receiveBuffer)
                .withProcessContext(!options.noProcess)
                .withAncestors(options.ancestors);
        if (options.pid != null) {
            proc = proc.withPid(options.pid);
        }
        if (options.tree != null) {
            proc = proc.withTree(options.tree);
        }
        return proc;
    }

    /** Streams {@code builder}'s events to {@code out}, as the table or JSON Lines. */
    int print(Upcall.Builder builder, OutputStream out, Output settings, String command) throws InterruptedException {
        return print(builder, out, settings, command, e -> true, new Session() { });
    }

    /**
     * Streams the events {@code shown} keeps to {@code out}; {@code around} runs once the stream listens (before the
     * table's header is flushed) and after it closed.
     */
    int print(Upcall.Builder builder, OutputStream out, Output settings, String command, Predicate<Event> shown,
            Session around) throws InterruptedException {
        EventOutput output = new EventOutput(out, settings.table(), settings.count(), this::stop);
        Subscriber subscriber = new Subscriber() {
            @Override
            public void onEvent(Event event, boolean endOfBatch) throws Exception {
                if (shown.test(event)) {
                    output.onEvent(event, endOfBatch);
                } else if (endOfBatch) {
                    output.onEndOfBatch();
                }
            }

            @Override
            public void onEndOfBatch() throws Exception {
                output.onEndOfBatch();
            }

            @Override
            public void onClose() throws Exception {
                output.onClose();
            }
        };
        return run(builder.subscribe(subscriber), settings.duration(), command, new Session() {
            @Override
            public int started(Upcall upcall) throws IOException {
                int status = around.started(upcall);
                if (status != 0) {
                    return status;
                }
                try {
                    output.flush(); // the table's header now: on a quiet machine the first event may be a while
                } catch (IOException e) {
                    stop(); // standard output is gone already (`| head`): end quietly, as onError does
                }
                return 0;
            }

            @Override
            public void closed() throws IOException, InterruptedException {
                around.closed();
            }
        });
    }

    /** Starts {@code builder}'s channels and runs until the stream ends; see the class comment. */
    int run(Upcall.Builder builder, Duration duration, String command, Session session) throws InterruptedException {
        // First thing: a signal during start-up must also end the stream cleanly, not kill the JVM.
        Terminals.onTerminationSignals(this::stop);
        ErrorHandler errors = session.errors();
        Upcall upcall;
        try {
            upcall = builder.errorHandler(errors != null ? errors : this::onError).start();
        } catch (LinuxException e) {
            err.println("upcall: cannot listen: " + Printable.escape(e.getMessage()));
            if (e.isPermissionDenied()) {
                // Which capability depends on the channel (CAP_NET_ADMIN for the proc connector before 6.6,
                // CAP_AUDIT_READ for audit, ...): doctor names it per channel.
                err.println("upcall: that needs privileges this process lacks; try: sudo bin/upcall " + command
                        + "   (upcall doctor says which channel needs what)");
            }
            err.flush();
            return 1;
        }
        for (String w : upcall.warnings()) {
            err.println("upcall: warning: " + Printable.escape(w));
        }
        err.flush();
        int status = 0;
        try {
            status = session.started(upcall);
            if (status == 0) {
                await(duration);
            }
        } catch (IOException e) {
            err.println("upcall: " + e.getMessage());
            status = 1;
        } finally {
            upcall.close();
        }
        try {
            session.closed();
        } catch (IOException e) {
            err.println("upcall: " + e.getMessage());
            status = 1;
        }
        err.flush();
        return status;
    }

    private void await(Duration duration) throws InterruptedException {
        if (duration != null) {
            done.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            done.await();
        }
    }

    private void onError(String where, Throwable error) {
        if (error instanceof IOException && where.startsWith("subscriber")) {
            // Standard output went away (`| head`): end the stream quietly, as cat does.
            stop();
            return;
        }
        err.println("upcall: " + where + ": " + Printable.escape(error.getMessage()));
        err.flush();
    }
}
