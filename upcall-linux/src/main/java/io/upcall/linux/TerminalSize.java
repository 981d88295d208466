package io.upcall.linux;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The size of a terminal: {@code ioctl(fd, TIOCGWINSZ, &ws)} (the same number on x86-64 and arm64), with
 * <pre>{@code struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; };}</pre>
 * What {@code stty size} asks; shells rarely export {@code $COLUMNS} to the programs they run.
 */
public final class TerminalSize {
    static final long TIOCGWINSZ = 0x5413;
    static final int WS_COL = 2;

    private TerminalSize() {}

    /**
     * The width of the terminal on {@code fd} in columns: 0 when it is a terminal that does not say (a serial line),
     * -1 when {@code fd} is not a terminal at all (a pipe, a file).
     */
    public static int columns(int fd) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrno(call);
            MemorySegment ws = call.allocate(8, 2);
            if (Native.ioctl(errno, fd, TIOCGWINSZ, ws) != 0) {
                return -1; // ENOTTY: a pipe or a file
            }
            return Short.toUnsignedInt(ws.get(JAVA_SHORT, WS_COL));
        }
    }
}
