package io.upcall.cli;

import io.upcall.core.Event;
import io.upcall.core.JsonEventWriter;
import io.upcall.core.ProcOptions;
import io.upcall.core.Subscriber;
import io.upcall.core.Upcall;
import io.upcall.linux.LinuxException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one stream to its end: starts Upcall with the options, writes events (table or JSON Lines) to
 * standard output, and stops cleanly on {@code --count}, {@code --duration}, SIGINT, SIGTERM or a closed
 * pipe, exiting 0 after the sources have unsubscribed and the output is flushed.
 */
final class StreamRunner {
    private static final int FLUSH_BYTES = 64 * 1024;

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
        Output output = new Output(options.json ? null : new TableFormatter(Terminals.useColor(options.color)));
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

    /** Formats events into a byte buffer and writes it when a batch ends, the buffer fills, or the stream ends. */
    private final class Output implements Subscriber {
        private final TableFormatter table;
        private final JsonEventWriter json = new JsonEventWriter();
        private final StringBuilder text = new StringBuilder();
        private long written;
        private boolean finished;

        Output(TableFormatter table) {
            this.table = table;
            if (table != null) {
                text.append(table.header()).append('\n');
            }
        }

        @Override
        public void onEvent(Event event, boolean endOfBatch) throws IOException {
            if (finished) {
                return;
            }
            if (table != null) {
                text.append(table.format(event)).append('\n');
            } else {
                json.write(event);
            }
            written++;
            if (options.count != null && written >= options.count) {
                finished = true;
                flush();
                done.countDown();
            } else if (endOfBatch || json.pendingBytes() > FLUSH_BYTES || text.length() > FLUSH_BYTES) {
                flush();
            }
        }

        @Override
        public void onEndOfBatch() throws IOException {
            flush();
        }

        @Override
        public void onClose() throws IOException {
            flush();
        }

        private void flush() throws IOException {
            if (table != null) {
                if (!text.isEmpty()) {
                    out.write(text.toString().getBytes(StandardCharsets.UTF_8));
                    text.setLength(0);
                }
            } else if (json.pendingBytes() > 0) {
                json.flushTo(out);
            }
            out.flush();
        }
    }
}
