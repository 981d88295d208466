package io.upcall.core.relay;

import io.upcall.core.procfs.ProcFs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Talks to a {@link RelayServer}: one request per connection, as the protocol in docs/relay.md says. */
public final class RelayClient {
    private static final int MAX_REPLY = 16 << 20;
    private static final int REPLY_DEADLINE_MILLIS = 5_000;
    private final Path socket;

    private RelayClient(Path socket) {
        this.socket = socket;
    }

    public static RelayClient at(Path socket) {
        return new RelayClient(socket);
    }

    /** The relay said no (its reason is the message), as opposed to the relay not being reachable. */
    public static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String reason) {
            super(reason);
        }
    }

    /** As {@link #register(int, int, RelayFilter, boolean)} without {@code force}. */
    public String register(int pid, int signal, RelayFilter filter) throws IOException {
        return register(pid, signal, filter, false);
    }

    /**
     * Registers {@code pid} (or, with 0, the process that runs this client) to be signalled. Unless {@code force},
     * first refuses what is almost always a mistake, as the relay would: pid 1, and a process that neither
     * handles, blocks nor ignores the signal (its first relayed event would end it).
     *
     * @param signal the signal, or 0 for the relay's default (then asked from the relay for the check)
     * @return the relay's confirmation, e.g. "registered pid 812 (bash) for fork with SIGRTMIN (the default)"
     * @throws IllegalArgumentException when the check refuses, with the reason and what to do
     */
    public String register(int pid, int signal, RelayFilter filter, boolean force) throws IOException {
        if (!force) {
            int target = pid != RelayRequest.SELF ? pid : (int) ProcessHandle.current().pid();
            ProcStatus status = StatusFile.readOnce(ProcFs.system(), target);
            if (status == null) {
                throw new IllegalArgumentException("no process " + target);
            }
            String refusal = RelayTargetCheck.initRefusal(target);
            if (refusal == null) {
                refusal = RelayTargetCheck.harmRefusal(target, status, signal != 0 ? signal : signal(0));
            }
            if (refusal != null) {
                throw new IllegalArgumentException(refusal);
            }
        }
        return request(new RelayRequest(RelayRequest.Command.REGISTER, pid, signal, filter, force)).getFirst();
    }

    public String unregister(int pid) throws IOException {
        return request(new RelayRequest(RelayRequest.Command.UNREGISTER, pid, 0, RelayFilter.forks())).getFirst();
    }

    /** The relay's default signal, after setting it to {@code signal} unless that is 0. */
    public int signal(int signal) throws IOException {
        String reply = request(new RelayRequest(RelayRequest.Command.SIGNAL, 0, signal, RelayFilter.forks())).getFirst();
        return Integer.parseInt(reply.split(" ")[0]);
    }

    public List<RelayRegistrant> processes() throws IOException {
        List<String> lines = request(new RelayRequest(RelayRequest.Command.PROCESSES, 0, 0, RelayFilter.forks()));
        List<RelayRegistrant> list = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", 7);
            if (f.length < 7) {
                throw new IOException("unexpected reply from the relay: " + line);
            }
            RelayRequest filter = RelayRequest.parse("register events=" + f[5]);
            list.add(new RelayRegistrant(Integer.parseInt(f[0]), f[6], Integer.parseInt(f[1]), f[2].equals("1"),
                    filter.filter(), Long.parseLong(f[3]), Long.parseLong(f[4])));
        }
        return list;
    }

    /** @return the reply's lines: the first without its {@code ok }, then any data lines */
    private List<String> request(RelayRequest request) throws IOException {
        byte[] reply;
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (SocketException e) {
                // ENOENT, ECONNREFUSED (a stale socket), EACCES: the JDK names them only in the message.
                throw new IOException("no relay serves " + socket + " (" + e.getMessage()
                        + "; start one with: upcall relay serve)", e);
            }
            channel.write(ByteBuffer.wrap((request.toLine() + "\n").getBytes(StandardCharsets.UTF_8)));
            reply = readAll(channel);
        }
        String text = new String(reply, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n")));
        String first = lines.isEmpty() ? "" : lines.getFirst();
        if (first.startsWith("error ")) {
            throw new RefusedException(first.substring("error ".length()));
        }
        if (!first.startsWith("ok")) {
            throw new IOException("unexpected reply from the relay at " + socket + ": '" + first + "'");
        }
        lines.set(0, first.substring(2).strip());
        return lines;
    }

    /** Reads until the relay closes the connection, giving up after {@link #REPLY_DEADLINE_MILLIS}. */
    private static byte[] readAll(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        long deadline = System.nanoTime() + REPLY_DEADLINE_MILLIS * 1_000_000L;
        ByteBuffer buf = ByteBuffer.allocate(4096);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    throw new IOException("the relay did not answer within " + REPLY_DEADLINE_MILLIS + " ms");
                }
                selector.select(left);
                int n = channel.read(buf);
                if (n < 0) {
                    return out.toByteArray();
                }
                out.write(buf.array(), 0, buf.position());
                buf.clear();
                if (out.size() > MAX_REPLY) {
                    throw new IOException("reply from the relay is larger than " + MAX_REPLY + " bytes");
                }
            }
        }
    }
}
