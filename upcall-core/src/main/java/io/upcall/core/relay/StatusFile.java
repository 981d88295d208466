package io.upcall.core.relay;

import io.upcall.core.procfs.ProcFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code /proc/<pid>/status} kept open, read again from offset 0 whenever asked. An open {@code /proc/<pid>} file
 * belongs to the process it was opened for, not to its pid number: once that process has been reaped every read
 * fails (ESRCH), even after the number names another process. So a successful read always describes the same
 * process, provided it was the one meant when the file was opened (the caller checks that with its pidfd).
 *
 * <p>Reads come from the relay's dispatch thread (one registration at a time) and from the control socket's
 * thread; they are synchronized.
 */
final class StatusFile implements AutoCloseable {
    /** A status file is about 1.5 KiB; anything longer is read in more rounds. */
    private static final int INITIAL = 4096;

    private final FileChannel channel;
    private ByteBuffer buffer = ByteBuffer.allocate(INITIAL);

    private StatusFile(FileChannel channel) {
        this.channel = channel;
    }

    /** @return the open file, or null when the process is gone (or its status cannot be read) */
    static StatusFile open(ProcFs procFs, int pid) {
        Path path = procFs.file(pid, "status");
        try {
            return new StatusFile(FileChannel.open(path));
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** @return {@code pid}'s status now, or null when it is gone */
    static ProcStatus readOnce(ProcFs procFs, int pid) {
        StatusFile file = open(procFs, pid);
        if (file == null) {
            return null;
        }
        try (file) {
            return file.read();
        }
    }

    /** @return the process's status now, or null once it has gone (or the text is not what Linux writes) */
    synchronized ProcStatus read() {
        try {
            buffer.clear();
            long position = 0;
            while (true) {
                int n = channel.read(buffer, position);
                if (n < 0) {
                    break;
                }
                position += n;
                if (!buffer.hasRemaining()) {
                    ByteBuffer bigger = ByteBuffer.allocate(buffer.capacity() * 2);
                    bigger.put(buffer.flip());
                    buffer = bigger;
                }
            }
            return ProcStatus.parse(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing was written: there is nothing to lose.
        }
    }
}
