package io.upcall.core.proc;

import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelOptions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * How to listen to the proc connector.
 *
 * @param events         the event types wanted; when not all of them, the kernel filters (Linux 6.6+)
 * @param receiveBuffer  bytes of socket receive buffer to ask for (the kernel doubles it)
 * @param processContext whether events carry a {@code process} object from Upcall's table and {@code /proc}
 * @param ancestors      whether that object lists the process's ancestors
 * @param pid            keep only events about this pid, or 0 for all
 * @param tree           keep only events of this process and its descendants, or 0 for all
 * @param includeSelf    whether to keep this JVM's own thread events (they are Upcall's own noise)
 * @param execWitnessWait how long an exec event of a process gone before {@code /proc} could be read waits for the
 *                       audit records of that exec (in the same stream) to name its program; zero: it does not wait
 */
public record ProcOptions(Set<ProcEventType> events, int receiveBuffer, boolean processContext, boolean ancestors, int pid,
        int tree, boolean includeSelf, Duration execWitnessWait) implements ChannelOptions {
    /** 8 MiB: at the highest rate this kind of machine produces (~94 k events/s) it holds ~1 s of events. */
    public static final int DEFAULT_RECEIVE_BUFFER = ChannelOptions.DEFAULT_RECEIVE_BUFFER;
    /**
     * What {@code --audit-context} waits at most for audit's records of an exec: they come at the syscall's exit,
     * usually within milliseconds of the exec event, more than a second later when the kernel's audit queue is busy.
     * An exec whose records do not come waits less: until audit's records have gone 2 s past it.
     */
    public static final Duration DEFAULT_WITNESS_WAIT = Duration.ofSeconds(5);
    /** An exec event waits at most this long: the stream's latency must stay bounded. */
    public static final Duration MAX_WITNESS_WAIT = Duration.ofSeconds(10);

    public ProcOptions {
        events = events.isEmpty() ? EnumSet.noneOf(ProcEventType.class) : EnumSet.copyOf(events);
        events.retainAll(ProcEventType.all());
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no proc event type selected");
        }
        events = Set.copyOf(events);
        ChannelOptions.checkReceiveBuffer(receiveBuffer);
        if (execWitnessWait.isNegative() || execWitnessWait.compareTo(MAX_WITNESS_WAIT) > 0) {
            throw new IllegalArgumentException("the wait for exec witnesses must be 0 to " + MAX_WITNESS_WAIT.toMillis()
                    + " ms, not " + execWitnessWait.toMillis() + " ms");
        }
        if (pid < 0 || tree < 0) {
            throw new IllegalArgumentException("a pid must be positive, not " + (pid < 0 ? pid : tree));
        }
    }

    /** Every event type, with process context, from every process but this JVM. */
    public static ProcOptions defaults() {
        return new ProcOptions(ProcEventType.all(), DEFAULT_RECEIVE_BUFFER, true, false, 0, 0, false, Duration.ZERO);
    }

    @Override
    public Channel<?> channel() {
        return ProcChannel.INSTANCE;
    }

    public ProcOptions withEvents(Set<ProcEventType> wanted) {
        return new ProcOptions(wanted, receiveBuffer, processContext, ancestors, pid, tree, includeSelf, execWitnessWait);
    }

    @Override
    public ProcOptions withReceiveBuffer(int bytes) {
        return new ProcOptions(events, bytes, processContext, ancestors, pid, tree, includeSelf, execWitnessWait);
    }

    public ProcOptions withProcessContext(boolean on) {
        return new ProcOptions(events, receiveBuffer, on, ancestors, pid, tree, includeSelf, execWitnessWait);
    }

    public ProcOptions withAncestors(boolean on) {
        return new ProcOptions(events, receiveBuffer, processContext, on, pid, tree, includeSelf, execWitnessWait);
    }

    /** Keeps only events about {@code p} (0: all). */
    public ProcOptions withPid(int p) {
        return new ProcOptions(events, receiveBuffer, processContext, ancestors, p, tree, includeSelf, execWitnessWait);
    }

    /** Keeps only events of {@code root} and its descendants (0: all). */
    public ProcOptions withTree(int root) {
        return new ProcOptions(events, receiveBuffer, processContext, ancestors, pid, root, includeSelf, execWitnessWait);
    }

    public ProcOptions withIncludeSelf(boolean on) {
        return new ProcOptions(events, receiveBuffer, processContext, ancestors, pid, tree, on, execWitnessWait);
    }

    /**
     * Exec events of processes gone before {@code /proc} could be read wait up to {@code wait} for the audit records of
     * that exec (the audit channel must be in the same stream, with an execve rule in place) to name the program.
     */
    public ProcOptions withExecWitnessWait(Duration wait) {
        return new ProcOptions(events, receiveBuffer, processContext, ancestors, pid, tree, includeSelf, wait);
    }

    boolean allEvents() {
        return events.containsAll(ProcEventType.all());
    }

    int kernelMask() {
        int mask = 0;
        for (ProcEventType t : events) {
            mask |= t.kernelMask();
        }
        return mask;
    }

    /** Whether the stage keeps a process table: for context, or to know a tree. */
    boolean needsTable() {
        return processContext || tree > 0;
    }
}
