package io.upcall.cli;

import io.upcall.core.relay.RelayServer;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --socket PATH}: where the relay listens; every relay command takes it. */
final class RelaySocketOption {
    @Option(names = "--socket", paramLabel = "PATH",
            description = "The relay's control socket (default: ${DEFAULT-VALUE}).")
    Path socket = RelayServer.DEFAULT_SOCKET;
}
