package io.upcall.core.hotplug;

import io.upcall.linux.Signals;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A launcher without processes or time: each job either ends when the test releases it ({@link Mode#BLOCK}),
 * or never on its own, so that its timeout passes at once ({@link Mode#HANG}), ending only on the signals
 * it is told to die of. Counts how many jobs run at once.
 */
final class FakeLauncher implements Launcher {
    enum Mode { BLOCK, HANG }

    final List<FakeJob> started = new CopyOnWriteArrayList<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    volatile Mode mode = Mode.BLOCK;
    /** For HANG: the signals the job dies of (128+signal as Java reports it); others it ignores. */
    volatile List<Integer> diesOf = List.of(Signals.SIGTERM, Signals.SIGKILL);
    /** For HANG: SIGTERM makes the job exit with status 143 ({@code trap 'exit 143' TERM}) rather than die of it. */
    volatile boolean exits143OnSigterm;
    /** What the job's {@code termSignal()} says when it died of a signal: -1 plays a kernel that cannot say. */
    volatile boolean kernelSaysHowItEnded = true;
    volatile int status;
    volatile boolean failToStart;

    @Override
    public Job start(List<String> argv, Map<String, String> env) throws IOException {
        if (failToStart) {
            throw new IOException("Cannot run program \"" + argv.getFirst() + "\": error=2, No such file or directory");
        }
        FakeJob job = new FakeJob(started.size() + 1000, argv, env, mode, diesOf, status, exits143OnSigterm, kernelSaysHowItEnded);
        started.add(job);
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        return job;
    }

    /** Waits (bounded) until {@code n} jobs have started. */
    void awaitStarted(int n) throws InterruptedException {
        for (int i = 0; i < 1000 && started.size() < n; i++) {
            Thread.sleep(10);
        }
    }

    final class FakeJob implements Job {
        final long pid;
        final List<String> argv;
        final Map<String, String> env;
        final List<Integer> signals = new CopyOnWriteArrayList<>();
        volatile boolean closed;
        private final Mode jobMode;
        private final List<Integer> fatal;
        private final boolean exits143;
        private final boolean kernelSays;
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile int exit;
        private volatile int killedBy;

        FakeJob(long pid, List<String> argv, Map<String, String> env, Mode mode, List<Integer> fatal, int exit, boolean exits143,
                boolean kernelSays) {
            this.pid = pid;
            this.argv = argv;
            this.env = env;
            this.jobMode = mode;
            this.fatal = fatal;
            this.exit = exit;
            this.exits143 = exits143;
            this.kernelSays = kernelSays;
        }

        /** Ends a BLOCK job with its status. */
        void release() {
            end(exit);
        }

        private void end(int status) {
            if (ended.getCount() > 0) {
                exit = status;
                running.decrementAndGet();
                ended.countDown();
            }
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public boolean waitFor(long nanos) throws InterruptedException {
            if (jobMode == Mode.HANG) {
                return ended.getCount() == 0; // as if the whole timeout had passed
            }
            return ended.await(30, TimeUnit.SECONDS); // released by the test; bounded in case it never is
        }

        @Override
        public int exitStatus() {
            return exit;
        }

        @Override
        public int termSignal() {
            return killedBy > 0 && !kernelSays ? -1 : killedBy;
        }

        @Override
        public void signal(int signal) {
            signals.add(signal);
            if (exits143 && signal == Signals.SIGTERM) {
                end(143);
            } else if (fatal.contains(signal)) {
                killedBy = signal;
                end(128 + signal);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
