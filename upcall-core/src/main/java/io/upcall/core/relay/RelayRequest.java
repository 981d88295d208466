package io.upcall.core.relay;

import io.upcall.core.proc.ProcEventType;
import io.upcall.linux.Signals;
import java.util.EnumSet;
import java.util.Set;

/**
 * One line of the relay's control protocol (docs/relay.md), parsed:
 * <pre>
 * register [pid=P] [signal=S] [events=fork,exec,exit] [tree=P] [threads] [force]
 * unregister [pid=P]
 * processes
 * signal [S]
 * </pre>
 * A missing {@code pid} means the connecting process itself; {@code force} registers a process the relay would
 * otherwise refuse as a likely mistake ({@link RelayTargetCheck}). Pure: bad input throws
 * {@link IllegalArgumentException} with what was wrong, which the server sends back as {@code error ...}.
 *
 * @param pid    the process concerned, or {@link #SELF}
 * @param signal a signal number, or 0 for "not given"
 * @param force  register even what {@link RelayTargetCheck} refuses
 */
record RelayRequest(Command command, int pid, int signal, RelayFilter filter, boolean force) {
    static final int SELF = 0;
    /** A request longer than this is not one the protocol defines. */
    static final int MAX_LINE = 1024;

    enum Command { REGISTER, UNREGISTER, PROCESSES, SIGNAL }

    RelayRequest(Command command, int pid, int signal, RelayFilter filter) {
        this(command, pid, signal, filter, false);
    }

    static RelayRequest parse(String line) {
        String[] words = line.strip().split("\\s+");
        Command command = switch (words[0]) {
            case "register" -> Command.REGISTER;
            case "unregister" -> Command.UNREGISTER;
            case "processes" -> Command.PROCESSES;
            case "signal" -> Command.SIGNAL;
            default -> throw new IllegalArgumentException("unknown command '" + words[0]
                    + "': expected register, unregister, processes or signal");
        };
        int pid = SELF;
        int signal = 0;
        Set<ProcEventType> events = EnumSet.of(ProcEventType.FORK);
        boolean threads = false;
        boolean force = false;
        int tree = RelayFilter.ANYWHERE;
        for (int i = 1; i < words.length; i++) {
            String word = words[i];
            if (command == Command.SIGNAL && i == 1 && words.length == 2) {
                signal = Signals.parse(word);
                continue;
            }
            int eq = word.indexOf('=');
            String key = eq < 0 ? word : word.substring(0, eq);
            String value = eq < 0 ? null : word.substring(eq + 1);
            boolean allowed = switch (command) {
                case REGISTER -> Set.of("pid", "signal", "events", "tree", "threads", "force").contains(key);
                case UNREGISTER -> key.equals("pid");
                default -> false;
            };
            if (!allowed || (value == null) != (key.equals("threads") || key.equals("force"))) {
                throw new IllegalArgumentException("'" + word + "' is not an argument of " + words[0]);
            }
            switch (key) {
                case "pid" -> pid = positive(value, "pid");
                case "signal" -> signal = Signals.parse(value);
                case "tree" -> tree = positive(value, "tree");
                case "threads" -> threads = true;
                case "force" -> force = true;
                case "events" -> events = events(value);
                default -> throw new IllegalStateException(key);
            }
        }
        return new RelayRequest(command, pid, signal, new RelayFilter(events, threads, tree), force);
    }

    private static Set<ProcEventType> events(String list) {
        Set<ProcEventType> events = EnumSet.noneOf(ProcEventType.class);
        for (String name : list.split(",", -1)) {
            events.add(ProcEventType.parse(name));
        }
        return events;
    }

    private static int positive(String value, String what) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(what + " '" + value + "' is not a pid");
    }

    /** The line that asks for this request: what {@link RelayClient} sends. */
    String toLine() {
        StringBuilder line = new StringBuilder(command.name().toLowerCase(java.util.Locale.ROOT));
        if (command == Command.SIGNAL) {
            return signal != 0 ? line.append(' ').append(signal).toString() : line.toString();
        }
        if (pid != SELF) {
            line.append(" pid=").append(pid);
        }
        if (command == Command.REGISTER) {
            if (signal != 0) {
                line.append(" signal=").append(signal);
            }
            line.append(" events=").append(filter.eventNames());
            if (filter.treeRoot() != RelayFilter.ANYWHERE) {
                line.append(" tree=").append(filter.treeRoot());
            }
            if (filter.threads()) {
                line.append(" threads");
            }
            if (force) {
                line.append(" force");
            }
        }
        return line.toString();
    }
}
