package io.upcall.core.relay;

import io.upcall.linux.LinuxException;
import io.upcall.linux.Ucred;
import io.upcall.linux.PollSet;
import io.upcall.linux.UnixConnection;
import io.upcall.linux.UnixServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Serves the relay's control socket on one thread with one {@code poll(2)} over every connection, so that no
 * client holds the others up: each connection has {@link #DEADLINE_MILLIS} from being accepted to send its line
 * and take its answer, one uid may hold {@link #MAX_PER_UID} connections at once (more are answered with an error
 * at once), and when {@link #MAX_CONNECTIONS} are open the oldest still silent one makes room. Running out of file
 * descriptors pauses accepting for {@link #ACCEPT_PAUSE_MILLIS} instead of spinning on {@code accept4}.
 */
final class RelayControlLoop {
    static final int DEADLINE_MILLIS = 2_000;
    static final int MAX_PER_UID = 8;
    static final int MAX_CONNECTIONS = 256;
    static final int ACCEPT_PAUSE_MILLIS = 100;
    private static final int WAKEUP_MILLIS = 200;
    /** What is read and thrown away before closing, so that a client that sent too much still reads the answer. */
    private static final int DRAIN_LIMIT = 64 << 10;

    /** Answers one request line; runs on the loop's thread. */
    interface Handler {
        String answer(UnixConnection connection, Ucred peer, String line);
    }

    private static final class Client {
        final UnixConnection connection;
        final Ucred peer;
        final long deadline;
        final byte[] in = new byte[RelayRequest.MAX_LINE];
        int inLength;
        byte[] out;
        int outDone;

        Client(UnixConnection connection, Ucred peer, long deadline) {
            this.connection = connection;
            this.peer = peer;
            this.deadline = deadline;
        }
    }

    private final UnixServerSocket socket;
    private final Handler handler;
    private final Consumer<String> log;
    private final List<Client> clients = new ArrayList<>();
    private final Map<Integer, Integer> perUid = new HashMap<>();
    /** Uids told once that they hold too many connections: not logged again until they hold fewer. */
    private final Set<Integer> throttled = new HashSet<>();
    private long acceptPausedUntil;
    private boolean acceptFailing;
    private volatile boolean stopping;

    RelayControlLoop(UnixServerSocket socket, Handler handler, Consumer<String> log) {
        this.socket = socket;
        this.handler = handler;
        this.log = log;
    }

    void stop() {
        stopping = true;
    }

    void run() {
        try (PollSet poll = new PollSet(64)) {
            while (!stopping) {
                try {
                    round(poll);
                } catch (LinuxException | RuntimeException e) {
                    log.accept("relay: " + e);
                    pause(); // whatever failed may fail again at once: do not spin on it
                }
            }
        } finally {
            for (Client c : clients) {
                c.connection.close();
            }
            clients.clear();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ACCEPT_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void round(PollSet poll) throws LinuxException {
        long now = System.nanoTime();
        poll.clear();
        boolean accepting = now - acceptPausedUntil >= 0;
        int listener = accepting ? poll.add(socket) : -1;
        long wake = now + (accepting ? WAKEUP_MILLIS : ACCEPT_PAUSE_MILLIS) * 1_000_000L;
        List<Client> polled = List.copyOf(clients);
        for (Client c : polled) {
            poll.add(c.connection, c.out != null);
            wake = Math.min(wake, c.deadline);
        }
        poll.poll((int) Math.max(0, (wake - now + 999_999) / 1_000_000L));
        for (int i = 0; i < polled.size(); i++) {
            if (poll.ready(i + (listener >= 0 ? 1 : 0))) {
                serve(polled.get(i));
            }
        }
        if (listener >= 0 && poll.ready(listener)) {
            acceptWaiting();
        }
        now = System.nanoTime();
        for (Client c : List.copyOf(clients)) {
            if (now - c.deadline >= 0) {
                close(c, c.out == null ? "error no request within " + DEADLINE_MILLIS + " ms\n" : null);
            }
        }
    }

    private void acceptWaiting() {
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            UnixConnection connection;
            try {
                connection = socket.acceptNow();
            } catch (LinuxException e) {
                // EMFILE, ENFILE, ENOBUFS: the connection stays queued and poll keeps saying so; wait, do not spin.
                acceptPausedUntil = System.nanoTime() + ACCEPT_PAUSE_MILLIS * 1_000_000L;
                if (!acceptFailing) {
                    acceptFailing = true;
                    log.accept("relay: " + e.getMessage() + "; trying again every " + ACCEPT_PAUSE_MILLIS + " ms");
                }
                return;
            }
            if (connection == null) {
                return;
            }
            acceptFailing = false;
            admit(connection);
        }
    }

    private void admit(UnixConnection connection) {
        Ucred peer;
        try {
            peer = connection.peerCredentials();
        } catch (LinuxException e) {
            connection.close();
            return;
        }
        int open = perUid.getOrDefault(peer.uid(), 0);
        if (open >= MAX_PER_UID) {
            if (throttled.add(peer.uid())) {
                log.accept("relay: uid " + peer.uid() + " holds " + open + " connections, the most one user may; "
                        + "refusing more until it holds fewer");
            }
            answerAndClose(connection, "error uid " + peer.uid() + " already holds " + open + " connections to the "
                    + "relay, the most one user may at once; try again when they are done\n");
            return;
        }
        if (clients.size() >= MAX_CONNECTIONS) {
            clients.stream().filter(c -> c.out == null).findFirst().ifPresent(oldest -> close(oldest, null));
            if (clients.size() >= MAX_CONNECTIONS) {
                answerAndClose(connection, "error the relay is busy; try again\n");
                return;
            }
        }
        perUid.merge(peer.uid(), 1, Integer::sum);
        clients.add(new Client(connection, peer, System.nanoTime() + DEADLINE_MILLIS * 1_000_000L));
    }

    private void serve(Client c) {
        try {
            if (c.out == null) {
                read(c);
            }
            if (c.out != null) {
                write(c);
            }
        } catch (LinuxException e) {
            close(c, null); // the client went away (EPIPE, ECONNRESET): nothing to answer
        }
    }

    private void read(Client c) throws LinuxException {
        int n = c.connection.read(c.in, c.inLength, c.in.length - c.inLength, 0);
        if (n == 0) {
            close(c, null); // closed before sending a line
            return;
        }
        if (n < 0) {
            return;
        }
        for (int i = c.inLength; i < c.inLength + n; i++) {
            if (c.in[i] == '\n') {
                String line = new String(c.in, 0, i, StandardCharsets.UTF_8);
                c.out = handler.answer(c.connection, c.peer, line).getBytes(StandardCharsets.UTF_8);
                return;
            }
        }
        c.inLength += n;
        if (c.inLength == c.in.length) {
            c.out = ("error request longer than " + RelayRequest.MAX_LINE + " bytes: a request is one line (see "
                    + "docs/relay.md)\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    private void write(Client c) throws LinuxException {
        c.outDone += c.connection.send(c.out, c.outDone, c.out.length - c.outDone);
        if (c.outDone == c.out.length) {
            close(c, null);
        }
    }

    /** Closes a client's connection, first sending {@code last} if given (best effort: it never waits). */
    private void close(Client c, String last) {
        if (clients.remove(c)) {
            int left = perUid.merge(c.peer.uid(), -1, Integer::sum);
            if (left <= 0) {
                perUid.remove(c.peer.uid());
            }
            if (left < MAX_PER_UID) {
                throttled.remove(c.peer.uid());
            }
            if (last != null) {
                answerAndClose(c.connection, last);
            } else {
                drainAndClose(c.connection);
            }
        }
    }

    private static void answerAndClose(UnixConnection connection, String answer) {
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        try {
            connection.send(bytes, 0, bytes.length);
        } catch (LinuxException e) {
            // Gone already: nobody to tell.
        }
        drainAndClose(connection);
    }

    /**
     * Closing a Unix socket with unread input makes the peer's next read fail with ECONNRESET instead of giving
     * it the answer and then end-of-file: read what is waiting (up to {@link #DRAIN_LIMIT}) first.
     */
    private static void drainAndClose(UnixConnection connection) {
        byte[] sink = new byte[4096];
        try {
            for (int drained = 0; drained < DRAIN_LIMIT; ) {
                int n = connection.read(sink, 0, sink.length, 0);
                if (n <= 0) {
                    break;
                }
                drained += n;
            }
        } catch (LinuxException e) {
            // Closing anyway.
        }
        connection.close();
    }
}
