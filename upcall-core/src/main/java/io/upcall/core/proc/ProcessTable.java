package io.upcall.core.proc;

import io.upcall.core.procfs.ProcFs;
import io.upcall.core.procfs.UserNames;
import io.upcall.protocol.cnproc.ProcEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Upcall's view of the processes alive, keyed by thread group id: seeded from {@code /proc}, then kept
 * by the events themselves. A fork copies the parent (no {@code /proc} read, so a storm of short-lived
 * children costs only map updates), an exec re-reads the executable and command line, an exit removes
 * the process after its event is enriched. A process the table has not seen is read from
 * {@code /proc} on first use. After a loss, {@link #rescan()} brings it back in line with {@code /proc}.
 *
 * <p>Owned by the dispatch thread; not thread-safe.
 */
final class ProcessTable {
    private static final int MAX_DEPTH = 256;

    private final ProcFs procFs;
    private final UserNames users;
    private final Map<Integer, Entry> entries = new HashMap<>();

    ProcessTable(ProcFs procFs, UserNames users) {
        this.procFs = procFs;
        this.users = users;
    }

    /** A process as the table knows it; {@code info} caches the immutable view until the entry changes. */
    private static final class Entry {
        final int pid;
        int ppid;
        String comm;
        String exe;
        String cmdline;
        int uid;
        /** {@link ProcessInfo#FROM_AUDIT} once an exec witness filled it in; else null (from /proc, or nothing). */
        String context;
        String cwd;
        ProcessInfo info;

        Entry(int pid, int ppid, String comm, String exe, String cmdline, int uid) {
            this.pid = pid;
            this.ppid = ppid;
            this.comm = comm;
            this.exe = exe;
            this.cmdline = cmdline;
            this.uid = uid;
        }

        static Entry of(ProcFs.Snapshot s) {
            return new Entry(s.pid(), s.ppid(), s.comm(), s.exe(), s.cmdline(), s.uid());
        }
    }

    /** Reads every process in {@code /proc}, dropping the ones that are gone. */
    void rescan() {
        Set<Integer> alive = new HashSet<>();
        for (int pid : procFs.pids()) {
            ProcFs.Snapshot s = procFs.read(pid);
            if (s != null) {
                alive.add(pid);
                entries.put(pid, Entry.of(s));
            }
        }
        entries.keySet().retainAll(alive);
    }

    int size() {
        return entries.size();
    }

    /** The processes in the table. */
    Set<Integer> pids() {
        return Set.copyOf(entries.keySet());
    }

    /**
     * Updates the table with {@code event} and returns the process it is about, or null if unknown.
     * @param ancestors whether to fill {@link ProcessInfo#ancestors()}
     */
    ProcessInfo apply(ProcEvent event, boolean ancestors) {
        if (event.subjectTgid() <= 0) {
            return null; // not a process the kernel would name (a forged or corrupt message)
        }
        Entry entry = switch (event) {
            case ProcEvent.Fork f -> f.thread() ? lookup(f.childTgid()) : fork(f);
            case ProcEvent.Exec e -> exec(e.tgid());
            case ProcEvent.Exit e -> exit(e);
            case ProcEvent.Uid u -> {
                Entry en = lookup(u.tgid());
                if (en != null && en.uid != u.euid()) {
                    en.uid = u.euid();
                    en.info = null;
                }
                yield en;
            }
            case ProcEvent.Comm c -> {
                Entry en = lookup(c.tgid());
                // A thread renaming itself does not rename its process.
                if (en != null && c.pid() == c.tgid() && !c.comm().equals(en.comm)) {
                    en.comm = c.comm();
                    en.info = null;
                }
                yield en;
            }
            case ProcEvent.Gid g -> lookup(g.tgid());
            case ProcEvent.Sid s -> lookup(s.tgid());
            case ProcEvent.Ptrace p -> lookup(p.tgid());
            case ProcEvent.Coredump c -> lookup(c.tgid());
            case ProcEvent.Ack a -> null;
        };
        if (entry == null) {
            return null;
        }
        ProcessInfo info = info(entry);
        return ancestors ? info.withAncestors(ancestorsOf(entry)) : info;
    }

    /** True when {@code tgid} is {@code root} or one of its descendants, as far as the table knows. */
    boolean isInTree(int tgid, int root) {
        int pid = tgid;
        for (int depth = 0; depth < MAX_DEPTH && pid > 0; depth++) {
            if (pid == root) {
                return true;
            }
            Entry e = lookup(pid);
            if (e == null || e.ppid == pid) {
                return false;
            }
            pid = e.ppid;
        }
        return false;
    }

    /**
     * A fork's child is its parent as it was at the fork. When the parent is gone, the child's own {@code /proc} may
     * already show a program it exec'd since: the child is entered as unknown (but with its parent, which the event
     * tells), and its exec event fills it in.
     */
    private Entry fork(ProcEvent.Fork f) {
        Entry parent = lookup(f.parentTgid());
        Entry child = parent != null
                ? new Entry(f.childTgid(), f.parentTgid(), parent.comm, parent.exe, parent.cmdline, parent.uid)
                : new Entry(f.childTgid(), f.parentTgid(), null, null, null, -1);
        if (parent != null) {
            child.context = parent.context;
            child.cwd = parent.cwd;
        }
        entries.put(child.pid, child);
        return child;
    }

    private Entry exec(int tgid) {
        Entry old = entries.get(tgid);
        ProcFs.Snapshot s = old != null ? procFs.readAfterExec(tgid, old.ppid) : procFs.read(tgid);
        if (s == null) {
            // Gone before we could read it: the parent's program it inherited is no longer true of it.
            Entry unknown = new Entry(tgid, old != null ? old.ppid : -1, null, null, null, old != null ? old.uid : -1);
            entries.put(tgid, unknown);
            return unknown;
        }
        Entry fresh = Entry.of(s);
        entries.put(tgid, fresh);
        return fresh;
    }

    /**
     * Fills in the program of {@code tgid} from an exec witness (audit's records) when the table does not know it (the
     * process was gone before {@code /proc} could be read), or, with {@code override}, replaces what {@code /proc} gave
     * (a read that raced the process's exit); returns its new view, or null when the table has no such process or knows
     * its program already.
     */
    ProcessInfo learn(int tgid, String comm, String exe, String cmdline, String cwd, boolean override) {
        Entry e = entries.get(tgid);
        if (e == null || !override && e.exe != null && e.cmdline != null) {
            return null;
        }
        e.comm = comm != null ? comm : e.comm;
        e.exe = exe != null ? exe : e.exe;
        e.cmdline = cmdline != null ? cmdline : e.cmdline;
        e.cwd = cwd;
        e.context = ProcessInfo.FROM_AUDIT;
        e.info = null;
        return info(e);
    }

    private Entry exit(ProcEvent.Exit e) {
        Entry entry = e.pid() == e.tgid() ? entries.remove(e.tgid()) : entries.get(e.tgid());
        // Too late to read /proc for a process that has exited: report what the table had, or nothing.
        return entry;
    }

    private Entry lookup(int tgid) {
        Entry e = entries.get(tgid);
        return e != null ? e : load(tgid);
    }

    private Entry load(int tgid) {
        ProcFs.Snapshot s = procFs.read(tgid);
        if (s == null) {
            return null;
        }
        Entry e = Entry.of(s);
        entries.put(tgid, e);
        return e;
    }

    private ProcessInfo info(Entry e) {
        ProcessInfo info = e.info;
        if (info == null) {
            info = e.context == null
                    ? new ProcessInfo(e.pid, e.ppid, e.comm, e.exe, e.cmdline, e.uid, users.name(e.uid), List.of())
                    : new ProcessInfo(e.pid, e.ppid, e.comm, e.exe, e.cmdline, e.uid, users.name(e.uid), List.of(),
                            e.context, e.cwd);
            e.info = info;
        }
        return info;
    }

    private List<ProcessInfo.Ancestor> ancestorsOf(Entry entry) {
        List<ProcessInfo.Ancestor> list = new ArrayList<>();
        int pid = entry.ppid;
        for (int depth = 0; depth < MAX_DEPTH && pid > 0; depth++) {
            Entry e = lookup(pid);
            if (e == null) {
                list.add(new ProcessInfo.Ancestor(pid, null));
                break;
            }
            list.add(new ProcessInfo.Ancestor(pid, e.comm));
            if (e.ppid == pid) {
                break;
            }
            pid = e.ppid;
        }
        return List.copyOf(list);
    }
}
