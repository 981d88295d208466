package io.upcall.core.channel;

import java.util.List;

/**
 * An event of one channel that saw a program start, so that another channel's stage can fill in a process it could
 * not read itself: audit's SYSCALL, EXECVE and CWD records of a successful {@code execve} name the program, its
 * arguments and directory even when the process ended before {@code /proc} could be read (the race every proc
 * connector tool has). The proc channel's stage takes them; neither channel knows the other.
 */
public interface ExecWitness {

    /** The thread group id that ran the program, or -1 when this event is not a successful exec. */
    int execTgid();

    /** The program's path, or null. */
    String execExe();

    /** The arguments, or null. */
    List<String> execArgv();

    /** The working directory at the exec, or null. */
    String execCwd();

    /** The process's command name after the exec ({@code comm}), or null. */
    String execComm();

    /** The time the witness gives for the exec (audit: the record's millisecond timestamp). */
    java.time.Instant time();
}
