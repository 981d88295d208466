package io.upcall.core.relay;

import io.upcall.core.procfs.ProcFs;
import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.linux.Ucred;
import io.upcall.linux.Pidfd;
import io.upcall.linux.Signals;
import io.upcall.linux.UnixConnection;
import io.upcall.linux.UnixServerSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The relay's control socket: a Unix stream socket on which processes register to be signalled
 * ({@link RelayRequest} gives the protocol, one request per connection). Who asks is known from the kernel
 * ({@code SO_PEERCRED}, and {@code SO_PEERPIDFD} for "this process"), never from anything the client says.
 * Acting on a process needs root or the right {@code kill(2)} applies (the asker's uid is the target's real or
 * saved uid), checked on a pidfd opened before the target's credentials are read and found alive after; a process
 * that has exited is refused. Changing the default signal needs root or the uid the relay runs as.
 *
 * <p>Connections are served concurrently by {@link RelayControlLoop}, each within a deadline, with a cap per uid;
 * {@code docs/security.md} says what is trusted and why.
 */
public final class RelayServer implements AutoCloseable {
    public static final Path DEFAULT_SOCKET = Path.of("/run/upcall/relay.sock");
    /** How many processes one uid may have registered at once, unless told otherwise at start. */
    public static final int DEFAULT_MAX_PER_UID = 64;

    private final UnixServerSocket socket;
    private final Relay relay;
    private final Consumer<String> log;
    private final int maxPerUid;
    private final ProcFs procFs = ProcFs.system();
    private final int ownUid;
    private final RelayControlLoop loop;
    private final Thread thread;

    private RelayServer(UnixServerSocket socket, Relay relay, Consumer<String> log, int maxPerUid) {
        this.socket = socket;
        this.relay = relay;
        this.log = log;
        this.maxPerUid = maxPerUid;
        this.ownUid = RelaySocketPath.ownUid();
        this.loop = new RelayControlLoop(socket, this::answer, log);
        this.thread = Thread.ofPlatform().name("upcall-relay").daemon().unstarted(loop::run);
    }

    /** As {@link #start(Path, Relay, Consumer, int)} with {@link #DEFAULT_MAX_PER_UID}. */
    public static RelayServer start(Path path, Relay relay, Consumer<String> log) throws IOException {
        return start(path, relay, log, DEFAULT_MAX_PER_UID);
    }

    /**
     * Listens on {@code path} and serves {@code relay}'s registrations until closed. The socket's directory must
     * belong to this process's user and be writable by no one else; only the default one, {@code /run/upcall},
     * is created.
     *
     * @param log       receives one line per registration, removal and refusal
     * @param maxPerUid how many processes one uid may have registered at once
     * @throws IOException when the place is not safe, another relay already serves that path, or the socket cannot
     *                     be made; the message says which and what to do
     */
    public static RelayServer start(Path path, Relay relay, Consumer<String> log, int maxPerUid) throws IOException {
        if (maxPerUid < 1) {
            throw new IllegalArgumentException("at most " + maxPerUid + " registrations per uid: give 1 or more");
        }
        UnixServerSocket socket = RelaySocketPath.listen(path);
        RelayServer server;
        try {
            server = new RelayServer(socket, relay, log, maxPerUid);
        } catch (RuntimeException e) {
            socket.close();
            Files.deleteIfExists(socket.path());
            throw e;
        }
        server.thread.start();
        return server;
    }

    public Path path() {
        return socket.path();
    }

    private String answer(UnixConnection connection, Ucred peer, String line) {
        try {
            return handle(RelayRequest.parse(line), connection, peer);
        } catch (IllegalArgumentException | SecurityException e) {
            log.accept("relay: refused '" + line + "' from pid " + peer.pid() + " (uid " + peer.uid()
                    + "): " + e.getMessage());
            return "error " + e.getMessage().replace('\n', ' ') + "\n";
        } catch (RuntimeException e) {
            // A fault of the relay's, not the client's: say so to both rather than leave the client waiting.
            log.accept("relay: failed to answer '" + line + "' from pid " + peer.pid() + ": " + e);
            return "error the relay failed: " + String.valueOf(e.getMessage()).replace('\n', ' ') + "\n";
        }
    }

    private String handle(RelayRequest request, UnixConnection connection, Ucred peer) {
        return switch (request.command()) {
            case REGISTER -> register(request, connection, peer);
            case UNREGISTER -> {
                int target;
                try (Resolved t = resolve(request.pid(), connection, peer)) {
                    authorize(peer, t, "unregister");
                    target = t.pid;
                }
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

    private String register(RelayRequest request, UnixConnection connection, Ucred peer) {
        int signal = request.signal() != 0 ? request.signal() : relay.defaultSignal();
        Relay.checkSignal(signal);
        int tree = request.filter().treeRoot();
        if (tree != RelayFilter.ANYWHERE && procFs.parentOf(tree) < 0) {
            throw new IllegalArgumentException("no process " + tree + " to take the tree from (tree=" + tree + ")");
        }
        Resolved t = resolve(request.pid(), connection, peer);
        RelayTarget target;
        try {
            authorize(peer, t, "register");
            String refusal = request.force() ? null : RelayTargetCheck.refusal(t.pid, t.status, signal);
            if (refusal != null) {
                throw new IllegalArgumentException(refusal);
            }
            target = t.target(peer.uid());
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        RelayRegistrant r;
        try {
            r = relay.registerSignal(target, request.signal(), request.filter(), maxPerUid);
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
        String what = "registered pid " + r.pid() + " (" + r.comm() + ") for " + r.filter() + " with "
                + Signals.name(r.signal()) + (r.defaultSignal() ? " (the default)" : "");
        log.accept("relay: " + what + ", asked by pid " + peer.pid() + " (uid " + peer.uid() + ")"
                + (request.force() ? ", forced" : ""));
        return "ok " + what + "\n";
    }

    /**
     * A target process, proven: its pidfd was opened first (for "this process", the kernel's own from the
     * connection), then its status was read, then the pidfd said it had not exited, so the status read is that
     * process's and not another's that took its pid.
     */
    private static final class Resolved implements AutoCloseable {
        final Pidfd pidfd;
        final int pid;
        StatusFile file;
        final ProcStatus status;

        Resolved(Pidfd pidfd, StatusFile file, ProcStatus status) {
            this.pidfd = pidfd;
            this.pid = pidfd.pid();
            this.file = file;
            this.status = status;
        }

        /** Hands the pidfd (and, for an unprivileged owner, the status file) to a registration. */
        RelayTarget target(int owner) {
            StatusFile kept = owner == 0 ? null : file;
            if (kept == null) {
                file.close();
            }
            file = null;
            return new RelayTarget(pidfd, kept, owner, status.name());
        }

        @Override
        public void close() {
            if (file != null) {
                file.close();
                pidfd.close();
            }
        }
    }

    private Resolved resolve(int requested, UnixConnection connection, Ucred peer) {
        boolean self = requested == RelayRequest.SELF;
        String who = self ? "the process that connected (pid " + peer.pid() + ")" : "pid " + requested;
        Pidfd pidfd;
        try {
            pidfd = self ? connection.peerPidfd() : Pidfd.open(requested);
        } catch (LinuxException e) {
            throw new IllegalArgumentException(self && e.errno() == Errno.ENOPROTOOPT
                    ? "this kernel cannot prove which process connected (SO_PEERPIDFD needs Linux 6.5): give pid="
                    : self ? who + " has exited; the relay acts only for a process that is still there"
                    : e.errno() == Errno.ESRCH ? "no process " + requested
                    : e.errno() == Errno.EINVAL ? requested + " is a thread, not a process: register its process"
                    : e.getMessage());
        }
        StatusFile file = StatusFile.open(procFs, pidfd.pid());
        ProcStatus status = file != null ? file.read() : null;
        if (status == null || pidfd.hasExited()) {
            if (file != null) {
                file.close();
            }
            pidfd.close();
            throw new IllegalArgumentException(who + " has exited; the relay acts only for a process that is still "
                    + "there");
        }
        return new Resolved(pidfd, file, status);
    }

    /** As {@code kill(2)} decides: root, or the asker's uid is the target's real or saved uid. */
    private static void authorize(Ucred peer, Resolved t, String action) {
        if (!t.status.maySignal(peer.uid())) {
            throw new SecurityException("uid " + peer.uid() + " may not " + action + " pid " + t.pid + " (it runs as uid "
                    + t.status.realUid() + "): only root or its own user may");
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
        loop.stop();
        thread.join();
        socket.close();
        try {
            Files.deleteIfExists(socket.path());
        } catch (IOException e) {
            log.accept("relay: could not remove " + socket.path() + ": " + e.getMessage());
        }
    }
}
