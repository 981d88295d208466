package io.upcall.cli;

import io.upcall.core.proc.ProcOptions;
import picocli.CommandLine.Option;

/** {@code --rcvbuf}: the socket receive buffer, for every command that listens to the kernel. */
final class BufferOption {
    @Option(names = "--rcvbuf", paramLabel = "BYTES", converter = Converters.SizeConverter.class,
            description = "Socket receive buffer to ask for (8388608, 8M; default ${DEFAULT-VALUE}). The kernel doubles it.")
    int receiveBuffer = ProcOptions.DEFAULT_RECEIVE_BUFFER;
}
