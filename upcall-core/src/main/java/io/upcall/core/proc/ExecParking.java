package io.upcall.core.proc;

import io.upcall.core.channel.ExecWitness;
import io.upcall.core.event.Event;
import io.upcall.protocol.cnproc.ProcEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Joins exec events with their exec witnesses (audit's SYSCALL, EXECVE and CWD records). The proc connector's exec
 * event is sent during {@code execve}; audit's records at its exit, a little later. An exec event is parked until its
 * witness comes: when {@code /proc} no longer shows the process by the time the event is enriched (a short-lived
 * process), the witness names the program; when {@code /proc} gave one that differs (a read racing the process's exit
 * gives a piece of its command line), the witness's wins; when both agree the event keeps {@code context: proc}. It waits
 * until the witnesses' own clock (the latest record time seen, of any audit event) has gone {@link #GRACE} past the
 * exec (its records would have come by then: the kernel queues them in order), or at the latest until {@link #wait}
 * passes; then it goes out with what is known: never dropped. The audit clock, not the wall clock, decides in the normal
 * case because audit's records lag behind the proc connector by as much as the kernel's audit queue holds, more than a
 * second when the machine is busy. While one event is parked, the proc events after it queue behind it so that the channel's order holds; at most {@link #maxParked} wait,
 * past that the oldest goes out as it is. A witness that comes first is kept for a while ({@link #RECENT}) for the exec
 * event it belongs to. With a {@code wait} of zero nothing is parked: only witnesses that came first fill in.
 *
 * <p>Time is what {@link #release} is told: an event's deadline is set at the first release after it was parked.
 * Owned by the dispatch thread.
 */
final class ExecParking {
    /** Witnesses kept for an exec event still to come, at most. */
    static final int RECENT = 4096;
    /** A witness more than this far from the exec event's time is another process that had the same pid. */
    static final Duration SAME_EXEC = Duration.ofSeconds(5);
    /** A parked exec is given up on once an audit record this much younger than it has come. */
    static final Duration GRACE = Duration.ofSeconds(2);

    private final ProcessTable table;
    private final Duration wait;
    private final int maxParked;
    private final ArrayDeque<Parked> parked = new ArrayDeque<>();
    private final Map<Integer, ExecWitness> recent = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, ExecWitness> eldest) {
            return size() > RECENT;
        }
    };
    private boolean undated;
    /** The latest time an audit event (any exec witness) gave, or null before the first. */
    private Instant watermark;

    /** A held event: {@code waiting} while it is an exec whose program a witness may still name. */
    private static final class Parked {
        ProcessEvent event;
        final int tgid;
        final boolean exec;
        boolean waiting;
        Instant deadline;

        Parked(ProcessEvent event, boolean waiting) {
            this.event = event;
            this.tgid = event.kernel().subjectTgid();
            this.exec = event.kernel() instanceof ProcEvent.Exec;
            this.waiting = waiting;
        }
    }

    ExecParking(ProcessTable table, Duration wait, int maxParked) {
        this.table = table;
        this.wait = wait;
        this.maxParked = maxParked;
    }

    /**
     * Takes a proc event about to be delivered: returns it, confirmed by a witness that came first, or null when it is
     * held (then {@link #release} gives it back); or, when the parking lot is full, returns its oldest event and holds
     * this one.
     */
    ProcessEvent admit(ProcessEvent e) {
        ProcessEvent event = e;
        boolean exec = event.kernel() instanceof ProcEvent.Exec && event.process() != null;
        if (exec) {
            ExecWitness w = recent.remove(event.kernel().subjectTgid());
            if (w != null && Duration.between(w.time(), event.time()).abs().compareTo(SAME_EXEC) < 0) {
                event = confirmed(event, w);
                exec = false; // its witness is here: nothing to wait for
            }
        }
        // Waiting, every exec waits for its witness: /proc is read after the fact and can be half gone (a process
        // exiting while its cmdline is read gives a piece of it), audit's records are the exec's own.
        boolean park = wait.isPositive() && (exec || !parked.isEmpty());
        if (!park) {
            return event;
        }
        parked.addLast(new Parked(event, exec));
        undated |= exec;
        if (parked.size() > maxParked) {
            return parked.pollFirst().event;
        }
        return null;
    }

    /**
     * The exec event as its witness says: the program filled in where {@code /proc} did not give it, or corrected where
     * {@code /proc} gave another (context {@code audit}); unchanged (context {@code proc}) where both agree. The table
     * learns what the witness said.
     */
    private ProcessEvent confirmed(ProcessEvent event, ExecWitness w) {
        ProcessInfo p = event.process();
        String cmdline = cmdline(w);
        boolean agrees = p.exe() != null && p.exe().equals(w.execExe()) && p.cmdline() != null
                && p.cmdline().equals(cmdline);
        if (agrees || w.execExe() == null && cmdline == null) {
            return event;
        }
        table.learn(event.kernel().subjectTgid(), w.execComm(), w.execExe(), cmdline, w.execCwd(), true);
        return event.withProcess(filled(p, w));
    }

    /** Takes a witness: fills in the parked events of its process, or keeps it for an exec event still to come. */
    void witness(ExecWitness w) {
        if (w.time() != null && (watermark == null || w.time().isAfter(watermark))) {
            watermark = w.time();
        }
        int tgid = w.execTgid();
        if (tgid <= 0) {
            return;
        }
        boolean filled = false;
        boolean laterExec = false;
        for (Parked p : parked) {
            if (p.tgid != tgid) {
                continue;
            }
            if (filled && p.exec) {
                laterExec = true;
                break; // the process ran another program since: its own witness will come
            }
            if (p.waiting) {
                p.event = confirmed(p.event, w);
                p.waiting = false;
                filled = true;
            } else if (filled && p.event.process() != null && p.event.process().lacksProgram()) {
                p.event = p.event.withProcess(filled(p.event.process(), w));
            }
        }
        if (!laterExec) {
            // Later events (its exit, its children's forks) find the program in the table.
            table.learn(tgid, w.execComm(), w.execExe(), cmdline(w), w.execCwd(), false);
        }
        if (!filled) {
            // Its exec event has not come yet (audit was faster), or went out already: kept for the first case.
            recent.put(tgid, w);
        }
    }

    /** Gives back, oldest first, the events no longer waiting and those whose deadline passed (all of them when all). */
    void release(Instant now, boolean all, Consumer<Event> out) {
        if (undated) {
            for (Parked p : parked) {
                if (p.deadline == null) {
                    p.deadline = now.plus(wait);
                }
            }
            undated = false;
        }
        for (Iterator<Parked> it = parked.iterator(); it.hasNext(); ) {
            Parked p = it.next();
            boolean passed = watermark != null && watermark.isAfter(p.event.time().plus(GRACE));
            if (!all && p.waiting && now.isBefore(p.deadline) && !passed) {
                break; // the rest wait behind it
            }
            out.accept(p.event);
            it.remove();
        }
    }

    /** When the first event is due: now-ish when one is ready or undated, null when none is held. */
    Instant nextRelease() {
        Parked first = parked.peekFirst();
        if (first == null) {
            return null;
        }
        return undated || !first.waiting || first.deadline == null ? Instant.EPOCH : first.deadline;
    }

    int parked() {
        return parked.size();
    }

    private static ProcessInfo filled(ProcessInfo info, ExecWitness w) {
        return info.withProgram(w.execComm(), w.execExe(), cmdline(w), w.execCwd());
    }

    /** The arguments as {@code /proc/PID/cmdline} reads in the table: joined by spaces. */
    private static String cmdline(ExecWitness w) {
        List<String> argv = w.execArgv();
        return argv == null || argv.isEmpty() ? null : String.join(" ", argv);
    }
}
