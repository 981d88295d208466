package io.upcall.core;

import io.upcall.protocol.cnproc.ProcEvent;

/**
 * The dispatch-thread stage for process events: keeps the {@link ProcessTable}, attaches the
 * {@code process} object, applies the user's {@code --pid} / {@code --tree} selection, and resyncs the
 * table with {@code /proc} after a proc-connector loss.
 */
final class ProcessStage implements Pipeline.Stage {
    static final int NONE = -1;

    private final ProcessTable table;
    private final boolean attachContext;
    private final boolean ancestors;
    private final int pid;
    private final int treeRoot;
    private final int self;
    private final int wantedTypes;
    private boolean seeded;

    /**
     * @param table         null when neither context nor a tree selection is wanted
     * @param pid           keep only events about this pid (or {@link #NONE})
     * @param treeRoot      keep only events of this process and its descendants (or {@link #NONE})
     * @param self          this JVM's pid: its own threads' events are left out (or {@link #NONE} to keep them)
     * @param wantedTypes   the event types the user asked for, as a kernel mask; others only update the table
     */
    ProcessStage(ProcessTable table, boolean attachContext, boolean ancestors, int pid, int treeRoot, int self,
            int wantedTypes) {
        this.table = table;
        this.attachContext = attachContext && table != null;
        this.ancestors = ancestors;
        this.pid = pid;
        this.treeRoot = treeRoot;
        this.self = self;
        this.wantedTypes = wantedTypes;
    }

    /** Event types the table needs to stay right, whatever the user asked for. */
    static final int TABLE_TYPES = ProcEventType.FORK.kernelMask() | ProcEventType.EXEC.kernelMask()
            | ProcEventType.EXIT.kernelMask() | ProcEventType.UID.kernelMask() | ProcEventType.COMM.kernelMask();

    @Override
    public Event process(Event event) {
        if (table != null && !seeded) {
            // First thing on the dispatch thread, not on the caller's: start-up stays fast, events wait in the queue.
            table.rescan();
            seeded = true;
        }
        return switch (event) {
            case ProcessEvent pe -> processEvent(pe);
            case LossEvent loss -> {
                if (table != null && loss.channel().equals(ProcConnectorSource.CHANNEL)) {
                    table.rescan();
                }
                yield loss;
            }
            default -> event;
        };
    }

    private Event processEvent(ProcessEvent pe) {
        ProcEvent k = pe.kernel();
        if (self != NONE && ProcEvents.tgid(k) == self) {
            // Upcall's own threads starting, renaming and ending are noise in the stream it reports.
            return null;
        }
        ProcessInfo info = table != null ? table.apply(k, ancestors && attachContext) : null;
        if ((ProcEventType.of(k).kernelMask() & wantedTypes) == 0) {
            return null;
        }
        if (pid != NONE && !aboutPid(k, pid)) {
            return null;
        }
        if (treeRoot != NONE && !inTree(k, info)) {
            return null;
        }
        return attachContext && info != null ? pe.withProcess(info) : pe;
    }

    private static boolean aboutPid(ProcEvent k, int p) {
        if (k instanceof ProcEvent.Fork f) {
            return f.parentTgid() == p || f.childTgid() == p || f.parentPid() == p || f.childPid() == p;
        }
        return ProcEvents.pid(k) == p || ProcEvents.tgid(k) == p;
    }

    private boolean inTree(ProcEvent k, ProcessInfo info) {
        int tgid = ProcEvents.tgid(k);
        if (tgid == treeRoot) {
            return true;
        }
        if (k instanceof ProcEvent.Fork f) {
            return table.isInTree(f.parentTgid(), treeRoot);
        }
        // An exited process has left the table: walk up from the parent it had.
        int parent = info != null ? info.ppid() : (k instanceof ProcEvent.Exit e ? e.parentTgid() : NONE);
        return parent > 0 ? table.isInTree(parent, treeRoot) : table.isInTree(tgid, treeRoot);
    }
}
