package io.upcall.core.channel;

/**
 * What a channel's {@link EventStage} is told about the stream it serves.
 *
 * @param live    true for a live stream: {@code /proc} describes the processes events are about; false in a
 *                replay, where it describes other processes and must not be read
 * @param selfPid the process whose own events are noise (this JVM live; the recorder in a replay), or -1
 */
public record StreamContext(boolean live, int selfPid) {
    public static final int NONE = -1;
}
