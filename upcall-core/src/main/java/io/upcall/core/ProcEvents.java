package io.upcall.core;

import io.upcall.protocol.cnproc.ProcEvent;

/** The task and process an event is about, whatever its type. */
final class ProcEvents {
    private ProcEvents() {}

    /** The thread id: the child's for a fork. */
    static int pid(ProcEvent e) {
        return switch (e) {
            case ProcEvent.Fork f -> f.childPid();
            case ProcEvent.Exec x -> x.pid();
            case ProcEvent.Exit x -> x.pid();
            case ProcEvent.Uid u -> u.pid();
            case ProcEvent.Gid g -> g.pid();
            case ProcEvent.Sid s -> s.pid();
            case ProcEvent.Comm c -> c.pid();
            case ProcEvent.Ptrace p -> p.pid();
            case ProcEvent.Coredump c -> c.pid();
            case ProcEvent.Ack a -> -1;
        };
    }

    /** The process (thread group) id: the child's for a fork. */
    static int tgid(ProcEvent e) {
        return switch (e) {
            case ProcEvent.Fork f -> f.childTgid();
            case ProcEvent.Exec x -> x.tgid();
            case ProcEvent.Exit x -> x.tgid();
            case ProcEvent.Uid u -> u.tgid();
            case ProcEvent.Gid g -> g.tgid();
            case ProcEvent.Sid s -> s.tgid();
            case ProcEvent.Comm c -> c.tgid();
            case ProcEvent.Ptrace p -> p.tgid();
            case ProcEvent.Coredump c -> c.tgid();
            case ProcEvent.Ack a -> -1;
        };
    }
}
