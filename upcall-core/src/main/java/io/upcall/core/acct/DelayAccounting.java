package io.upcall.core.acct;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Delay accounting ({@code kernel.task_delayacct}) switched on for as long as it is held: without it the kernel leaves
 * every delay figure but the CPU's at 0. {@link #close()} puts back the value found, so the machine is left as it was
 * (unless the process is killed with SIGKILL: then it stays on, and {@code upcall doctor} says so).
 */
public final class DelayAccounting implements AutoCloseable {
    static final Path SYSCTL = Path.of("/proc/sys/kernel/task_delayacct");

    private final Path file;
    private final String found;
    private boolean closed;

    private DelayAccounting(Path file, String found) {
        this.file = file;
        this.found = found;
    }

    /** Switches it on, remembering the value found. */
    public static DelayAccounting enable() throws IOException {
        return enable(SYSCTL);
    }

    static DelayAccounting enable(Path file) throws IOException {
        String found;
        try {
            found = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IOException("cannot read " + file + " (a kernel without CONFIG_TASK_DELAY_ACCT?): " + e.getMessage(), e);
        }
        DelayAccounting held = new DelayAccounting(file, found);
        if (!"1".equals(found)) {
            try {
                Files.writeString(file, "1", StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IOException("cannot switch on delay accounting (writing " + file + " needs root): "
                        + e.getMessage(), e);
            }
        }
        return held;
    }

    /** The value found before ({@code "0"} or {@code "1"}). */
    public String found() {
        return found;
    }

    /** Puts the value found back; once. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (!"1".equals(found)) {
            Files.writeString(file, found, StandardCharsets.US_ASCII);
        }
    }
}
