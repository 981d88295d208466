package io.upcall.protocol.cnproc;

/**
 * One {@code struct proc_event} from the proc connector. Every variant carries the header the kernel
 * fills for all of them: the CPU it was sent from, {@code timestamp_ns} ({@code CLOCK_MONOTONIC}) and
 * the {@code cn_msg.seq}, a per-CPU counter that makes loss visible as a gap.
 *
 * <p>{@code pid} is the kernel's task id (a thread), {@code tgid} the thread group id (the process
 * id user space knows); they are equal for a process's main thread.
 */
public sealed interface ProcEvent {

    /** The CPU that sent the event; {@code -1} for an acknowledgement that carries none. */
    int cpu();

    /** {@code timestamp_ns}: nanoseconds of {@code CLOCK_MONOTONIC}. */
    long timestampNs();

    /** {@code cn_msg.seq}. */
    int seq();

    /** The task the event is about (the child's for a fork); -1 for an acknowledgement. */
    default int subjectPid() {
        return switch (this) {
            case Fork f -> f.childPid();
            case Exec x -> x.pid();
            case Exit x -> x.pid();
            case Uid u -> u.pid();
            case Gid g -> g.pid();
            case Sid s -> s.pid();
            case Comm c -> c.pid();
            case Ptrace p -> p.pid();
            case Coredump c -> c.pid();
            case Ack a -> -1;
        };
    }

    /** The process (thread group) the event is about (the child's for a fork); -1 for an acknowledgement. */
    default int subjectTgid() {
        return switch (this) {
            case Fork f -> f.childTgid();
            case Exec x -> x.tgid();
            case Exit x -> x.tgid();
            case Uid u -> u.tgid();
            case Gid g -> g.tgid();
            case Sid s -> s.tgid();
            case Comm c -> c.tgid();
            case Ptrace p -> p.tgid();
            case Coredump c -> c.tgid();
            case Ack a -> -1;
        };
    }

    /** PROC_EVENT_NONE: the answer to a subscription request ({@code err} 0 means accepted). */
    record Ack(int cpu, long timestampNs, int seq, int ack, int err) implements ProcEvent {}

    /** PROC_EVENT_FORK: a new task; a thread when {@code childPid != childTgid}. */
    record Fork(int cpu, long timestampNs, int seq, int parentPid, int parentTgid, int childPid, int childTgid)
            implements ProcEvent {
        public boolean thread() {
            return childPid != childTgid;
        }
    }

    /** PROC_EVENT_EXEC. */
    record Exec(int cpu, long timestampNs, int seq, int pid, int tgid) implements ProcEvent {}

    /** PROC_EVENT_UID: real and effective user id after a change. */
    record Uid(int cpu, long timestampNs, int seq, int pid, int tgid, int ruid, int euid) implements ProcEvent {}

    /** PROC_EVENT_GID: real and effective group id after a change. */
    record Gid(int cpu, long timestampNs, int seq, int pid, int tgid, int rgid, int egid) implements ProcEvent {}

    /** PROC_EVENT_SID: the task became a session leader. */
    record Sid(int cpu, long timestampNs, int seq, int pid, int tgid) implements ProcEvent {}

    /** PROC_EVENT_PTRACE: attached ({@code tracerPid != 0}) or detached ({@code tracerPid == 0}). */
    record Ptrace(int cpu, long timestampNs, int seq, int pid, int tgid, int tracerPid, int tracerTgid)
            implements ProcEvent {}

    /** PROC_EVENT_COMM: the task's command name changed. */
    record Comm(int cpu, long timestampNs, int seq, int pid, int tgid, String comm) implements ProcEvent {}

    /** PROC_EVENT_COREDUMP. */
    record Coredump(int cpu, long timestampNs, int seq, int pid, int tgid, int parentPid, int parentTgid)
            implements ProcEvent {}

    /**
     * PROC_EVENT_EXIT. {@code exitCode} is the raw wait status ({@code task->exit_code});
     * {@code exitSignal} the signal sent to the parent ({@code SIGCHLD} usually, -1 for a thread).
     */
    record Exit(int cpu, long timestampNs, int seq, int pid, int tgid, int exitCode, int exitSignal, int parentPid,
            int parentTgid) implements ProcEvent {

        /** True when the task ended by {@code exit()}: then {@link #status()} is meaningful. */
        public boolean exitedNormally() {
            return (exitCode & 0x7f) == 0;
        }

        /** {@code WEXITSTATUS}. */
        public int status() {
            return (exitCode >> 8) & 0xff;
        }

        /** {@code WTERMSIG}: the signal that ended the task, 0 if none. */
        public int termSignal() {
            return exitCode & 0x7f;
        }

        /** {@code WCOREDUMP}. */
        public boolean coreDumped() {
            return (exitCode & 0x80) != 0;
        }
    }
}
