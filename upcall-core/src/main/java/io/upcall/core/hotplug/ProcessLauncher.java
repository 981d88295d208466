package io.upcall.core.hotplug;

import io.upcall.linux.Signals;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real processes through {@link ProcessBuilder}: no shell, the environment exactly as given, standard input
 * from {@code /dev/null}, standard output discarded (Upcall's own may be the event stream), standard error
 * shared with Upcall's, so that a failing program's complaint is seen.
 */
final class ProcessLauncher implements Launcher {
    private static final File DEV_NULL = new File("/dev/null");

    @Override
    public Job start(List<String> argv, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(new File("/"))
                .redirectInput(DEV_NULL).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(env);
        return new ProcessJob(pb.start());
    }

    private record ProcessJob(Process process) implements Job {
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
        public void signal(int signal) {
            // Descendants first, seen before the parent goes: a hook's own children must not outlive its timeout.
            List<ProcessHandle> descendants = process.descendants().toList();
            boolean kill = signal == Signals.SIGKILL;
            for (ProcessHandle h : descendants) {
                if (kill) {
                    h.destroyForcibly();
                } else {
                    h.destroy();
                }
            }
            if (kill) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
        }
    }
}
