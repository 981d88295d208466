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

    /** All types when {@code names} is empty; a usage error naming the valid types for an unknown one. */
    static Set<ProcEventType> parse(List<String> names, CommandLine commandLine) {
        if (names == null || names.isEmpty()) {
            return ProcEventType.all();
        }
        EnumSet<ProcEventType> wanted = EnumSet.noneOf(ProcEventType.class);
        for (String name : names) {
            try {
                wanted.add(ProcEventType.parse(name));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(commandLine, e.getMessage());
            }
        }
        return wanted;
    }
}
