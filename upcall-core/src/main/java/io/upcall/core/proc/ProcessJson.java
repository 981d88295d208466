package io.upcall.core.proc;

import io.upcall.core.json.JsonBuffer;

/**
 * The {@code process} object of a process event, and its short form in the table. The process table hands out
 * one {@link ProcessInfo} per process until it changes, and a few processes make most events (a storm's workers,
 * a busy shell), so the encoded bytes are kept in a small cache indexed by pid and reused while the same object
 * comes back: no re-escaping of the same command line. The cache is per thread (events are written on the
 * dispatch thread), so writers need no lock.
 */
final class ProcessJson {
    private static final int CACHE_SLOTS = 64;
    private static final ThreadLocal<ProcessJson> CACHE = ThreadLocal.withInitial(ProcessJson::new);

    private final ProcessInfo[] cachedProcess = new ProcessInfo[CACHE_SLOTS];
    private final JsonBuffer[] cachedBytes = new JsonBuffer[CACHE_SLOTS];

    private ProcessJson() {}

    /** Appends {@code ,"process":{...}}. */
    static void write(JsonBuffer out, ProcessInfo p) {
        CACHE.get().append(out, p);
    }

    private void append(JsonBuffer out, ProcessInfo p) {
        int slot = p.pid() & (CACHE_SLOTS - 1);
        JsonBuffer bytes = cachedBytes[slot];
        if (cachedProcess[slot] != p) {
            if (bytes == null) {
                bytes = new JsonBuffer(256);
                cachedBytes[slot] = bytes;
            }
            bytes.reset();
            encode(bytes, p);
            cachedProcess[slot] = p;
        }
        out.raw(bytes, ",\"process\":");
    }

    private static void encode(JsonBuffer b, ProcessInfo p) {
        b.beginObject().field("pid", p.pid()).field("ppid", p.ppid()).field("comm", p.comm())
                .field("exe", p.exe()).field("cmdline", p.cmdline());
        b.optional("uid", p.uid()).field("user", p.user()).field("context", p.context());
        if (p.cwd() != null) {
            b.field("cwd", p.cwd());
        }
        if (!p.ancestors().isEmpty()) {
            b.beginArray("ancestors");
            for (ProcessInfo.Ancestor a : p.ancestors()) {
                b.beginElement().field("pid", a.pid()).field("comm", a.comm()).endObject();
            }
            b.endArray();
        }
        b.endObject();
    }

    /**
     * The table's column: the command line (or {@code [comm]}), the user when not root, and the ancestors when asked
     * for, parent first: {@code sleep 1  < bash(1234) < systemd(1)}.
     */
    static String describe(ProcessInfo p) {
        if (p == null) {
            return "";
        }
        StringBuilder what = new StringBuilder(p.cmdline() != null ? p.cmdline() : p.comm() != null ? "[" + p.comm() + "]" : "");
        if (p.user() != null && p.uid() != 0) {
            what.append("  (").append(p.user()).append(')');
        }
        String sep = "  < ";
        for (ProcessInfo.Ancestor a : p.ancestors()) {
            what.append(sep).append(a.comm()).append('(').append(a.pid()).append(')');
            sep = " < ";
        }
        return what.toString();
    }
}
