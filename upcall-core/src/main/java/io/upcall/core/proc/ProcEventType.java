package io.upcall.core.proc;

import io.upcall.protocol.cnproc.CnProc;
import io.upcall.protocol.cnproc.ProcEvent;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The proc-connector event types a user can ask for, with the kernel's filter bit for each. */
public enum ProcEventType {
    FORK(CnProc.PROC_EVENT_FORK),
    EXEC(CnProc.PROC_EVENT_EXEC),
    EXIT(CnProc.PROC_EVENT_EXIT),
    UID(CnProc.PROC_EVENT_UID),
    GID(CnProc.PROC_EVENT_GID),
    SID(CnProc.PROC_EVENT_SID),
    COMM(CnProc.PROC_EVENT_COMM),
    PTRACE(CnProc.PROC_EVENT_PTRACE),
    COREDUMP(CnProc.PROC_EVENT_COREDUMP),
    /** Subscription acknowledgements; never delivered, listed so every kernel event has a type. */
    ACK(CnProc.PROC_EVENT_NONE);

    private final int kernelMask;
    private final String jsonName;

    ProcEventType(int kernelMask) {
        this.kernelMask = kernelMask;
        this.jsonName = name().toLowerCase(Locale.ROOT);
    }

    /** The {@code proc_cn_event} bit the kernel filter uses. */
    public int kernelMask() {
        return kernelMask;
    }

    /** The name in JSON and on the command line: {@code fork}, {@code exec}, ... */
    public String jsonName() {
        return jsonName;
    }

    /** Every type a user can subscribe to. */
    public static Set<ProcEventType> all() {
        return EnumSet.range(FORK, COREDUMP);
    }

    /** Parses a name as {@link #jsonName()} gives it; throws with the list of valid names otherwise. */
    public static ProcEventType parse(String name) {
        for (ProcEventType t : all()) {
            if (t.jsonName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown proc event type '" + name + "'; expected one of "
                + "fork, exec, exit, uid, gid, sid, comm, ptrace, coredump");
    }

    public static ProcEventType of(ProcEvent event) {
        return switch (event) {
            case ProcEvent.Fork f -> FORK;
            case ProcEvent.Exec e -> EXEC;
            case ProcEvent.Exit e -> EXIT;
            case ProcEvent.Uid u -> UID;
            case ProcEvent.Gid g -> GID;
            case ProcEvent.Sid s -> SID;
            case ProcEvent.Comm c -> COMM;
            case ProcEvent.Ptrace p -> PTRACE;
            case ProcEvent.Coredump c -> COREDUMP;
            case ProcEvent.Ack a -> ACK;
        };
    }
}
