package io.upcall.core.relay;

import io.upcall.core.procfs.ProcFs;
import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.linux.PeerCredentials;
import io.upcall.linux.Signals;
import io.upcall.linux.UnixConnection;
import io.upcall.linux.UnixServerSocket;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;

/**
 * The relay's control socket: a Unix stream socket on which processes register to be signalled
 * ({@link RelayRequest} gives the protocol, one request per connection). Who asks is known from
 * {@code SO_PEERCRED}, not from anything the client says: a process may register or unregister itself;
 * acting on another process needs root or the uid that process runs as (its real or saved uid, the rule
 * {@code kill(2)} applies); changing the default signal needs root or the uid the relay runs as.
 *
 * <p>One thread serves the socket, a connection at a time, each read bounded by a deadline, so a client that
 * connects and says nothing delays the others by at most that.
 */
public final class RelayServer implements AutoCloseable {
    public static final Path DEFAULT_SOCKET = Path.of("/run/upcall/relay.sock");
    private static final int READ_DEADLINE_MILLIS = 2_000;
    private static final int ACCEPT_WAKEUP_MILLIS = 200;
    /** File type bits of {@code st_mode} ({@code <sys/stat.h>}). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final UnixServerSocket socket;
    private final Relay relay;
    private final Consumer<String> log;
    private final ProcFs procFs = ProcFs.system();
    private final int ownUid;
    private final Thread thread;
    private volatile boolean stopping;

    private RelayServer(UnixServerSocket socket, Relay relay, Consumer<String> log) {
        this.socket = socket;
        this.relay = relay;
        this.log = log;
        int[] uids = procFs.uids(NetlinkSocket.getpid());
        this.ownUid = uids != null ? uids[1] : 0;
        this.thread = Thread.ofPlatform().name("upcall-relay").daemon().unstarted(this::serve);
    }

    /**
     * Listens on {@code path} (creating its directory; replacing a stale socket nobody serves) and serves
     * {@code relay}'s registrations until closed.
     *
     * @param log receives one line per registration, removal and refusal
     * @throws IOException when another relay already serves that path, or the socket cannot be made
     */
    public static RelayServer start(Path path, Relay relay, Consumer<String> log) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        removeIfStale(path);
        UnixServerSocket socket = UnixServerSocket.listen(path, 64);
        // Anyone may connect: what they may do is decided per request from their credentials.
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        RelayServer server = new RelayServer(socket, relay, log);
        server.thread.start();
        return server;
    }

    private static void removeIfStale(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException(path + " exists and is not a socket; not replacing it");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new IOException("a relay already serves " + path);
        } catch (java.net.ConnectException e) {
            Files.delete(path); // nobody listens: left by a relay that died
        }
    }

    public Path path() {
        return socket.path();
    }

    private void serve() {
        while (!stopping) {
            try (UnixConnection conn = socket.accept(ACCEPT_WAKEUP_MILLIS)) {
                if (conn != null) {
                    answer(conn);
                }
            } catch (IOException | RuntimeException e) {
                log.accept("relay: " + e.getMessage());
            }
        }
    }

    private void answer(UnixConnection conn) throws LinuxException {
        PeerCredentials peer = conn.peerCredentials();
        String line = readLine(conn);
        if (line == null) {
            return;
        }
        String reply;
        try {
            reply = handle(RelayRequest.parse(line), peer);
        } catch (IllegalArgumentException | SecurityException e) {
            log.accept("relay: refused '" + line + "' from pid " + peer.pid() + " (uid " + peer.uid() + "): "
                    + e.getMessage());
            reply = "error " + e.getMessage() + "\n";
        }
        conn.write(reply.getBytes(StandardCharsets.UTF_8), READ_DEADLINE_MILLIS);
    }

    /** The first line the client sends, or null when it sent none in time (or too much). */
    private static String readLine(UnixConnection conn) throws LinuxException {
        byte[] buf = new byte[RelayRequest.MAX_LINE];
        int length = 0;
        long deadline = System.nanoTime() + READ_DEADLINE_MILLIS * 1_000_000L;
        while (length < buf.length) {
            int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
            int n = conn.read(buf, length, buf.length - length, left);
            if (n <= 0 || System.nanoTime() > deadline) {
                return null;
            }
            for (int i = length; i < length + n; i++) {
                if (buf[i] == '\n') {
                    return new String(buf, 0, i, StandardCharsets.UTF_8);
                }
            }
            length += n;
        }
        return null;
    }

    private String handle(RelayRequest request, PeerCredentials peer) {
        int target = request.pid() == RelayRequest.SELF ? peer.pid() : request.pid();
        return switch (request.command()) {
            case REGISTER -> {
                authorize(peer, target);
                try {
                    RelayRegistrant r = relay.registerSignal(target, request.signal(), request.filter());
                    String what = "registered pid " + r.pid() + " (" + r.comm() + ") for " + r.filter() + " with "
                            + Signals.name(r.signal()) + (r.defaultSignal() ? " (the default)" : "");
                    log.accept("relay: " + what + ", asked by pid " + peer.pid() + " (uid " + peer.uid() + ")");
                    yield "ok " + what + "\n";
                } catch (LinuxException e) {
                    throw new IllegalArgumentException(e.errno() == Errno.ESRCH ? "no process " + target
                            : e.errno() == Errno.EINVAL ? target + " is a thread, not a process: register its process"
                            : e.getMessage());
                }
            }
            case UNREGISTER -> {
                authorize(peer, target);
                if (!relay.unregister(target)) {
                    throw new IllegalArgumentException("pid " + target + " is not registered");
                }
                log.accept("relay: unregistered pid " + target + ", asked by pid " + peer.pid());
                yield "ok unregistered pid " + target + "\n";
            }
            case PROCESSES -> processes();
            case SIGNAL -> {
                if (request.signal() != 0) {
                    if (peer.uid() != 0 && peer.uid() != ownUid) {
                        throw new SecurityException("only root or uid " + ownUid + " may change the default signal");
                    }
                    relay.defaultSignal(request.signal());
                    log.accept("relay: default signal is now " + Signals.name(request.signal()) + ", set by pid "
                            + peer.pid());
                }
                yield "ok " + relay.defaultSignal() + " " + Signals.name(relay.defaultSignal()) + "\n";
            }
        };
    }

    private void authorize(PeerCredentials peer, int target) {
        if (peer.uid() == 0 || target == peer.pid()) {
            return;
        }
        int[] uids = procFs.uids(target);
        if (uids == null) {
            throw new IllegalArgumentException("no process " + target);
        }
        if (uids[0] != peer.uid() && uids[2] != peer.uid()) {
            throw new SecurityException("uid " + peer.uid() + " may not register pid " + target + " (it runs as uid "
                    + uids[0] + "): only root or its own user may");
        }
    }

    /** {@code ok N}, then per registrant: pid, signal, default (0/1), sent, failed, filter, comm, tab-separated. */
    private String processes() {
        var list = relay.registrants();
        StringBuilder reply = new StringBuilder("ok ").append(list.size()).append('\n');
        for (RelayRegistrant r : list) {
            reply.append(r.pid()).append('\t').append(r.signal()).append('\t').append(r.defaultSignal() ? 1 : 0)
                    .append('\t').append(r.sent()).append('\t').append(r.failed()).append('\t').append(r.filter())
                    .append('\t').append(r.comm().replace('\t', '?').replace('\n', '?')).append('\n');
        }
        return reply.toString();
    }

    /** Stops serving and removes the socket file. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join();
        socket.close();
        try {
            Files.deleteIfExists(socket.path());
        } catch (IOException e) {
            log.accept("relay: could not remove " + socket.path() + ": " + e.getMessage());
        }
    }
}
