package io.upcall.core.acct;

import io.upcall.core.procfs.ProcFs;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Every process's parent and session now, from {@code /proc/<pid>/stat}, to seed and rescan {@link SessionJobs}. */
final class ProcSessions {
    private ProcSessions() {}

    /** pid to {parent pid, session id}; a process that ends while being read is left out. */
    static Map<Integer, int[]> read(Path proc) {
        ProcFs procFs = new ProcFs(proc);
        Map<Integer, int[]> out = new HashMap<>();
        for (int pid : procFs.pids()) {
            int[] ps = procFs.parentAndSession(pid);
            if (ps != null) {
                out.put(pid, ps);
            }
        }
        return out;
    }
}
