package io.upcall.core.hotplug;

import io.upcall.linux.LinuxException;
import io.upcall.linux.Pidfd;
import io.upcall.linux.Signals;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Real processes through {@link ProcessBuilder}: no shell, the environment exactly as given, standard input
 * from {@code /dev/null}, standard output discarded (Upcall's own may be the event stream), standard error
 * shared with Upcall's, so that a failing program's complaint is seen.
 *
 * <p>Each program is moved into a cgroup of its own ({@link ProgramCgroups}) as soon as it has started, and everything
 * in that cgroup is signalled when it is stopped and killed once it has ended, as udev does with what its {@code RUN}
 * programs leave behind. That catches a double-forked child, which has left the process tree by then. Where Upcall may
 * not create cgroups ({@link #uncontained()} says why), signals go to the program and its descendants as the process
 * tree shows them at that moment, and a double-forked child escapes. Either way, a child forked and orphaned in the
 * microseconds between the start and the move escapes too: {@link ProcessBuilder} cannot start a program inside a
 * cgroup.
 */
final class ProcessLauncher implements Launcher {
    private static final File DEV_NULL = new File("/dev/null");

    private final ProgramCgroups cgroups;
    private final String uncontained;

    ProcessLauncher() {
        this(ProgramCgroups.probe());
    }

    ProcessLauncher(ProgramCgroups.Probe probe) {
        this.cgroups = probe.cgroups();
        this.uncontained = probe.unavailable();
        // Links the pidfd downcalls now (a few hundred ms the first time), not while the first program starts.
        Pidfd self = pidfd(ProcessHandle.current().pid());
        if (self != null) {
            self.close();
        }
    }

    /** Why programs run without a cgroup of their own (a double-forked child then outlives its program), or null. */
    String uncontained() {
        return uncontained;
    }

    @Override
    public Job start(List<String> argv, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(new File("/"))
                .redirectInput(DEV_NULL).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process = pb.start();
        // Contained first: every microsecond before the move is one in which a child it forks would escape.
        ProgramCgroups.Group group = contain(process);
        return new ProcessJob(process, group, pidfd(process));
    }

    /** The program's own cgroup with it (and what it forked so far) inside, or null when there is none. */
    private ProgramCgroups.Group contain(Process process) {
        if (cgroups == null) {
            return null;
        }
        ProgramCgroups.Group group;
        try {
            group = cgroups.create();
        } catch (IOException e) {
            return null;
        }
        try {
            group.add(process.pid());
        } catch (IOException e) {
            group.close(); // it ended already
            return null;
        }
        // What it forked before the move was born in Upcall's cgroup: while still in the tree, it follows.
        for (ProcessHandle h : process.descendants().toList()) {
            try {
                group.add(h.pid());
            } catch (IOException e) {
                // ended meanwhile
            }
        }
        return group;
    }

    /**
     * A pidfd for the program's wait status, or null. Opened while Java had not yet reaped it, it is surely this
     * program's: a pid is free for reuse only once reaped.
     */
    private static Pidfd pidfd(Process process) {
        Pidfd pidfd = pidfd(process.pid());
        if (pidfd != null && !process.isAlive()) {
            pidfd.close();
            return null;
        }
        return pidfd;
    }

    private static Pidfd pidfd(long pid) {
        try {
            return Pidfd.open((int) pid);
        } catch (LinuxException | RuntimeException e) {
            return null; // ended and reaped already (its status is then Java's alone), or no pidfds on this kernel
        }
    }

    private record ProcessJob(Process process, ProgramCgroups.Group group, Pidfd pidfd) implements Job {
        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public boolean waitFor(long nanos) throws InterruptedException {
            return process.waitFor(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public int exitStatus() {
            return process.exitValue();
        }

        @Override
        public int termSignal() {
            OptionalInt status = pidfd == null ? OptionalInt.empty() : pidfd.waitStatus();
            if (status.isEmpty()) {
                return -1;
            }
            int signal = status.getAsInt() & 0x7f; // WTERMSIG; 0 when WIFEXITED
            return signal == 0x7f ? -1 : signal; // 0x7f is a stop, never an end
        }

        @Override
        public void signal(int signal) {
            boolean kill = signal == Signals.SIGKILL;
            if (group != null) {
                if (kill) {
                    group.kill();
                } else {
                    group.terminate();
                }
            } else {
                // Descendants first, seen before the parent goes: a hook's own children must not outlive its timeout.
                for (ProcessHandle h : process.descendants().toList()) {
                    if (kill) {
                        h.destroyForcibly();
                    } else {
                        h.destroy();
                    }
                }
            }
            if (kill) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
        }

        @Override
        public void close() {
            if (group != null) {
                group.close();
            }
            if (pidfd != null) {
                pidfd.close();
            }
        }
    }
}
