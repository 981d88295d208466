package io.upcall.cli;

import io.upcall.core.proc.ProcEventType;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/** {@code --events fork,exec,...}: the proc event types a command keeps. */
final class EventTypes {
    static final String DESCRIPTION = "Event types to show (default: all): fork, exec, exit, uid, gid, sid, comm, ptrace, coredump.";

    private EventTypes() {}

    /**
     * All types when {@code values} is empty; a usage error naming the valid types for an unknown one, and for an
     * empty one ({@code --events fork,,}). Each value may hold several names, comma-separated.
     */
    static Set<ProcEventType> parse(List<String> values, CommandLine commandLine) {
        List<String> names = CommaLists.split(values, "--events", "event types such as fork,exec", commandLine);
        if (names.isEmpty()) {
            return ProcEventType.all();
        }
        EnumSet<ProcEventType> wanted = EnumSet.noneOf(ProcEventType.class);
        for (String name : names) {
            try {
                wanted.add(ProcEventType.parse(name));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(commandLine, "--events: " + e.getMessage());
            }
        }
        return wanted;
    }
}
