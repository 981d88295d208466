package io.upcall.core.channel;

/** A channel opened live. Closing it unsubscribes from the kernel, stops its thread and closes its descriptors. */
public interface LiveChannel extends AutoCloseable {

    /** The socket receive buffer the kernel granted, as {@code SO_RCVBUF} reads back (twice the request); 0 without a socket. */
    default int receiveBuffer() {
        return 0;
    }

    @Override
    void close() throws InterruptedException;
}
