package io.upcall.cli;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.event.Event;
import io.upcall.core.event.Subscriber;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes events to standard output as the table or as JSON Lines, buffering them and writing when a
 * batch ends, the buffer fills, or the stream ends; stops writing after {@code --count} events and
 * says so once. The table's header is written by the first {@link #flush}, which the command calls as soon as
 * the stream has started, not at the first event. Events come from the dispatch thread and that first flush from
 * the command's: the methods are synchronized.
 */
final class EventOutput implements Subscriber {
    private static final int FLUSH_BYTES = 64 * 1024;

    private final OutputStream out;
    private final TableFormatter table;
    private final Long count;
    private final Runnable countReached;
    private final JsonEventWriter json = new JsonEventWriter();
    private final StringBuilder text = new StringBuilder();
    private long written;
    private volatile boolean finished;

    /**
     * @param table        the table's formatter, or null for JSON Lines
     * @param count        stop after this many events, or null
     * @param countReached run once when the count is reached (after the output is flushed)
     */
    EventOutput(OutputStream out, TableFormatter table, Long count, Runnable countReached) {
        this.out = out;
        this.table = table;
        this.count = count;
        this.countReached = countReached;
        if (table != null) {
            text.append(table.header()).append('\n');
        }
    }

    /** True once {@code --count} events were written. */
    synchronized boolean finished() {
        return finished;
    }

    @Override
    public synchronized void onEvent(Event event, boolean endOfBatch) throws IOException {
        if (finished) {
            return;
        }
        if (table != null) {
            text.append(table.format(event)).append('\n');
        } else {
            json.write(event);
        }
        written++;
        if (count != null && written >= count) {
            finished = true;
            flush();
            countReached.run();
        } else if (endOfBatch || json.pendingBytes() > FLUSH_BYTES || text.length() > FLUSH_BYTES) {
            flush();
        }
    }

    @Override
    public synchronized void onEndOfBatch() throws IOException {
        flush();
    }

    @Override
    public synchronized void onClose() throws IOException {
        flush();
    }

    synchronized void flush() throws IOException {
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
