package io.upcall.core.channel;

/**
 * A channel's options. Every channel that reads from a socket has a receive buffer, set once for all
 * channels by {@code --rcvbuf}; the others ignore it.
 */
public interface ChannelOptions {
    /** 8 MiB: at the highest rate this kind of machine produces (~94 k proc events/s) it holds ~1 s of events. */
    int DEFAULT_RECEIVE_BUFFER = 8 << 20;

    /** The channel these options are for. */
    Channel<?> channel();

    /** Bytes of socket receive buffer to ask for (the kernel doubles it). */
    int receiveBuffer();

    /** These options with another receive buffer size. */
    ChannelOptions withReceiveBuffer(int bytes);

    /** For the options' constructors: a negative size is a mistake, not a request for the default. */
    static int checkReceiveBuffer(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("receive buffer " + bytes + " is negative");
        }
        return bytes;
    }
}
