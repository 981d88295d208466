package io.upcall.core.channel;

import io.upcall.linux.LinuxException;

/**
 * One kernel channel, everything about it in one place: its name, how to probe it ({@code upcall doctor}),
 * how to open it live, how its messages are recorded ({@link #link()}), and the one bytes-to-events path
 * ({@link #decoder}) that live reading, recording and replay all use. Implementations are found by
 * {@link Channels} through {@link java.util.ServiceLoader} (a line in
 * {@code META-INF/services/io.upcall.core.channel.Channel}); {@code docs/architecture.md} walks through
 * adding one.
 *
 * @param <O> the channel's options
 */
public interface Channel<O extends ChannelOptions> {

    /** The channel's name in the stream ({@code source}, {@code channel} fields) and on the command line. */
    String name();

    /** A few words for listings: {@code process events (proc connector)}. */
    String description();

    /** The options a stream uses when the user names the channel and nothing more. */
    O defaults();

    /**
     * Whether {@code Upcall.Builder.allSources} (what {@code upcall monitor} opens) includes this channel with its
     * defaults. A channel that reports nothing until told what to watch (fanotify needs marks) says no and is opened
     * only when asked for ({@code monitor --files PATH}); replay and {@code doctor} still include it.
     */
    default boolean joinsMonitor() {
        return true;
    }

    /** Whether the channel works on this machine, and exactly why not. May subscribe briefly; must leave nothing behind. */
    Availability probe();

    /** How this channel's messages are framed in a capture file. */
    CaptureLink link();

    /**
     * The decoder of this channel's messages: sender checks, framing, decoding and loss detection. One per
     * thread; the same class serves live reading, the recorder and replay.
     */
    MessageDecoder decoder(O options, DecodeContext context);

    /**
     * The dispatch-thread stage for this channel's events (enrichment, the user's selection), or null for none.
     * It sees every event of the stream, and passes on what is not its own.
     */
    default EventStage stage(O options, StreamContext context) {
        return null;
    }

    /**
     * Opens the channel live: sets it up, subscribes, and starts reading on a thread of its own, feeding what it
     * reads to {@code context}. Closing the result unsubscribes and stops the thread.
     * @throws LinuxException when the kernel refuses (the message names the call and the errno)
     */
    LiveChannel open(O options, ChannelContext context) throws LinuxException;
}
