package io.upcall.core.proc;

import io.upcall.core.channel.EventStage;
import io.upcall.core.channel.ExecWitness;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.protocol.cnproc.ProcEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The proc channel's dispatch-thread stage: enriches process events and filters them. It keeps the
 * {@link ProcessTable}, attaches the {@code process} object, leaves out Upcall's own threads, applies the
 * user's event types and {@code --pid} / {@code --tree} selection, and resyncs the table with {@code /proc}
 * after a proc-connector loss. With an {@link ExecParking}, exec witnesses of other channels (audit) fill in the
 * programs of processes gone before {@code /proc} could be read.
 */
final class ProcessEnricher implements EventStage {
    static final int NONE = -1;

    private final ProcessTable table;
    private final boolean attachContext;
    private final boolean ancestors;
    private final int pid;
    private final int self;
    private final int wantedTypes;
    private final TreeSelection tree;
    /** Null without a table or context to fill in. */
    private final ExecParking parking;

    /**
     * @param table         null when neither context nor a tree selection is wanted
     * @param pid           keep only events about this pid (or {@link #NONE})
     * @param treeRoot      keep only events of this process and its descendants (or {@link #NONE})
     * @param self          this JVM's pid: its own threads' events are left out (or {@link #NONE} to keep them)
     * @param wantedTypes   the event types the user asked for, as a kernel mask; others only update the table
     * @param witnessWait   how long an exec event whose program is unknown waits for its exec witness (zero: it does
     *                      not wait, a witness that came first still fills it in)
     */
    ProcessEnricher(ProcessTable table, boolean attachContext, boolean ancestors, int pid, int treeRoot, int self,
            int wantedTypes, Duration witnessWait) {
        this.table = table;
        this.attachContext = attachContext && table != null;
        this.ancestors = ancestors;
        this.pid = pid;
        this.self = self;
        this.wantedTypes = wantedTypes;
        this.tree = treeRoot != NONE ? new TreeSelection(treeRoot) : null;
        this.parking = this.attachContext ? new ExecParking(table, witnessWait, MAX_PARKED) : null;
        seed();
    }

    /**
     * Reads {@code /proc} into the table: at start, on the caller's thread before the channel subscribes, so that the
     * first events find the processes that were there; and after a loss.
     */
    private void seed() {
        if (table != null) {
            table.rescan();
            if (tree != null) {
                tree.seed(table);
            }
        }
    }

    /** Event types the table needs to stay right, whatever the user asked for. */
    static final int TABLE_TYPES = ProcEventType.FORK.kernelMask() | ProcEventType.EXEC.kernelMask()
            | ProcEventType.EXIT.kernelMask() | ProcEventType.UID.kernelMask() | ProcEventType.COMM.kernelMask();

    /** Proc events held for exec witnesses at most; past that the oldest goes out as it is. */
    static final int MAX_PARKED = 8192;

    @Override
    public Event process(Event event) {
        return switch (event) {
            case ProcessEvent pe -> {
                ProcessEvent out = processEvent(pe);
                yield out != null && parking != null ? parking.admit(out) : out;
            }
            case ExecWitness w when parking != null -> {
                parking.witness(w);
                yield event;
            }
            case LossEvent loss -> {
                if (loss.channel().equals(ProcChannel.NAME)) {
                    seed();
                }
                yield loss;
            }
            default -> event;
        };
    }

    @Override
    public void release(Instant now, boolean all, Consumer<Event> out) {
        if (parking != null) {
            parking.release(now, all, out);
        }
    }

    @Override
    public Instant nextRelease() {
        return parking != null ? parking.nextRelease() : null;
    }

    private ProcessEvent processEvent(ProcessEvent pe) {
        ProcEvent k = pe.kernel();
        if (self != NONE && k.subjectTgid() == self) {
            // Upcall's own threads starting, renaming and ending are noise in the stream it reports.
            return null;
        }
        ProcessInfo info = table != null ? table.apply(k, ancestors && attachContext) : null;
        // Every event keeps the tree, also those the user's other filters leave out.
        boolean inTree = tree == null || tree.accept(k);
        if ((ProcEventType.of(k).kernelMask() & wantedTypes) == 0) {
            return null;
        }
        if (pid != NONE && !aboutPid(k, pid)) {
            return null;
        }
        if (!inTree) {
            return null;
        }
        return attachContext && info != null ? pe.withProcess(info) : pe;
    }

    private static boolean aboutPid(ProcEvent k, int p) {
        if (k instanceof ProcEvent.Fork f) {
            return f.parentTgid() == p || f.childTgid() == p || f.parentPid() == p || f.childPid() == p;
        }
        return k.subjectPid() == p || k.subjectTgid() == p;
    }

}
