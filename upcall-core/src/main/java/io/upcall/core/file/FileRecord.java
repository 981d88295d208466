package io.upcall.core.file;

import io.upcall.linux.Errno;
import io.upcall.protocol.DecodeResult;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One fanotify event as the file channel hands it to its decoder and the recorder writes it
 * ({@code LINKTYPE_USER0}, {@code docs/capture-format.md}): the event exactly as {@code read(2)} gave it, then what
 * only the live reader could learn, so that a replay decodes the same events. Host byte order:
 * <pre>{@code
 * struct upcall_fanotify_record {
 *     __u16 version;          // 1
 *     __u16 header_len;       // 8
 *     __u32 event_len;        // the fanotify event that follows
 *     __u8  event[event_len]; // fanotify_event_metadata and its info records, as read
 *     // then annotations to the end, each { __u16 kind; __u16 len; value[len - 4] }, padded to 4:
 *     //   1 PATH        __u16 info_offset; __u8 deleted; __u8 pad; path (no NUL): the fid record at info_offset
 *     //                 resolved (a *_NAME record: its directory)
 *     //   2 UNRESOLVED  __u16 info_offset; __u16 errno: that record's handle could not be opened
 *     //   3 ACTOR       __s32 pid, ppid, ruid, euid, exit_status; __u32 flags (1: exited); comm NUL exe NUL
 * };
 * }</pre>
 */
final class FileRecord {
    static final int VERSION = 1;
    static final int HEADER_LEN = 8;
    static final int PATH = 1;
    static final int UNRESOLVED = 2;
    static final int ACTOR = 3;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt S32 = ValueLayout.JAVA_INT_UNALIGNED;

    /** A resolved (or unresolvable) fid record: {@code errno} 0 when {@code path} holds. */
    record Resolution(String path, boolean deleted, int errno) {
        String reason() {
            return errno == 0 ? null : Errno.name(errno);
        }
    }

    /** A record taken apart: the event's bytes, the resolutions by info-record offset, the actor. */
    record Parsed(MemorySegment event, Map<Integer, Resolution> paths, FileEvent.Actor actor) {}

    private FileRecord() {}

    static DecodeResult<Parsed> parse(MemorySegment record) {
        long size = record.byteSize();
        if (size < HEADER_LEN) {
            return DecodeResult.malformed("short_record", 0, size + " bytes cannot hold the 8-byte record header");
        }
        int version = Short.toUnsignedInt(record.get(U16, 0));
        int headerLen = Short.toUnsignedInt(record.get(U16, 2));
        long eventLen = Integer.toUnsignedLong(record.get(S32, 4));
        if (version != VERSION || headerLen < HEADER_LEN || headerLen > size) {
            return DecodeResult.malformed("record_header", 0, "record version " + version + ", header " + headerLen
                    + " bytes: this version reads version 1");
        }
        if (eventLen > size - headerLen) {
            return DecodeResult.malformed("record_event_len", 4, "event of " + eventLen + " bytes, "
                    + (size - headerLen) + " left");
        }
        MemorySegment event = record.asSlice(headerLen, eventLen);
        Map<Integer, Resolution> paths = new HashMap<>(4);
        FileEvent.Actor actor = null;
        long at = align(headerLen + eventLen);
        while (at < size) {
            if (size - at < 4) {
                return DecodeResult.malformed("short_annotation", at, "annotation header cut");
            }
            int kind = Short.toUnsignedInt(record.get(U16, at));
            int len = Short.toUnsignedInt(record.get(U16, at + 2));
            if (len < 4 || len > size - at) {
                return DecodeResult.malformed("annotation_len", at, "annotation of " + len + " bytes, " + (size - at) + " left");
            }
            switch (kind) {
                case PATH -> {
                    if (len < 8) {
                        return DecodeResult.malformed("short_path", at, "a path annotation needs 8 bytes");
                    }
                    paths.put(Short.toUnsignedInt(record.get(U16, at + 4)),
                            new Resolution(text(record, at + 8, at + len), record.get(ValueLayout.JAVA_BYTE, at + 6) != 0, 0));
                }
                case UNRESOLVED -> {
                    if (len < 8) {
                        return DecodeResult.malformed("short_unresolved", at, "an unresolved annotation needs 8 bytes");
                    }
                    paths.put(Short.toUnsignedInt(record.get(U16, at + 4)),
                            new Resolution(null, false, Short.toUnsignedInt(record.get(U16, at + 6))));
                }
                case ACTOR -> {
                    if (len < 30) {
                        return DecodeResult.malformed("short_actor", at, "an actor annotation needs 30 bytes");
                    }
                    long strings = at + 28;
                    long nul = strings;
                    while (nul < at + len && record.get(ValueLayout.JAVA_BYTE, nul) != 0) {
                        nul++;
                    }
                    String comm = nul > strings ? text(record, strings, nul) : null;
                    long exeAt = Math.min(nul + 1, at + len);
                    long exeEnd = exeAt;
                    while (exeEnd < at + len && record.get(ValueLayout.JAVA_BYTE, exeEnd) != 0) {
                        exeEnd++;
                    }
                    String exe = exeEnd > exeAt ? text(record, exeAt, exeEnd) : null;
                    actor = new FileEvent.Actor(record.get(S32, at + 4), record.get(S32, at + 8), record.get(S32, at + 12),
                            record.get(S32, at + 16), comm, exe, (record.get(S32, at + 24) & 1) != 0, record.get(S32, at + 20));
                }
                default -> { } // a later version's: passed over
            }
            at += align(len);
        }
        return DecodeResult.decoded(new Parsed(event, paths, actor));
    }

    private static long align(long n) {
        return (n + 3) & ~3L;
    }

    private static String text(MemorySegment s, long from, long to) {
        return new String(s.asSlice(from, to - from).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** Builds records in one reused buffer; owned by the reading thread. */
    static final class Writer implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private MemorySegment buf;
        private long at;

        Writer(int capacity) {
            buf = arena.allocate(capacity, 8);
        }

        /** Starts a record holding {@code length} bytes of {@code events} from {@code offset}. */
        void begin(MemorySegment events, long offset, int length) {
            at = 0;
            room(HEADER_LEN + length + 8);
            buf.set(U16, 0, (short) VERSION);
            buf.set(U16, 2, (short) HEADER_LEN);
            buf.set(S32, 4, length);
            MemorySegment.copy(events, offset, buf, HEADER_LEN, length);
            at = align(HEADER_LEN + length);
        }

        void path(int infoOffset, String path, boolean deleted) {
            byte[] p = path.getBytes(StandardCharsets.UTF_8);
            int len = Math.min(8 + p.length, 0xfffc);
            start(PATH, len);
            buf.set(U16, at + 4, (short) infoOffset);
            buf.set(ValueLayout.JAVA_BYTE, at + 6, (byte) (deleted ? 1 : 0));
            buf.set(ValueLayout.JAVA_BYTE, at + 7, (byte) 0);
            MemorySegment.copy(p, 0, buf, ValueLayout.JAVA_BYTE, at + 8, len - 8);
            at += align(len);
        }

        void unresolved(int infoOffset, int errno) {
            start(UNRESOLVED, 8);
            buf.set(U16, at + 4, (short) infoOffset);
            buf.set(U16, at + 6, (short) errno);
            at += 8;
        }

        void actor(FileEvent.Actor a) {
            byte[] comm = a.comm() == null ? new byte[0] : a.comm().getBytes(StandardCharsets.UTF_8);
            byte[] exe = a.exe() == null ? new byte[0] : a.exe().getBytes(StandardCharsets.UTF_8);
            int len = Math.min(28 + comm.length + 1 + exe.length + 1, 0xfffc);
            start(ACTOR, len);
            buf.set(S32, at + 4, a.pid());
            buf.set(S32, at + 8, a.ppid());
            buf.set(S32, at + 12, a.uid());
            buf.set(S32, at + 16, a.euid());
            buf.set(S32, at + 20, a.exitCode());
            buf.set(S32, at + 24, a.exited() ? 1 : 0);
            MemorySegment strings = buf.asSlice(at + 28, len - 28);
            strings.fill((byte) 0);
            MemorySegment.copy(comm, 0, strings, ValueLayout.JAVA_BYTE, 0, Math.min(comm.length, len - 30));
            if (comm.length + 1 < len - 28) {
                MemorySegment.copy(exe, 0, strings, ValueLayout.JAVA_BYTE, comm.length + 1,
                        Math.min(exe.length, len - 30 - comm.length));
            }
            at += align(len);
        }

        /** The record, valid until the next {@link #begin}. */
        MemorySegment end() {
            return buf.asSlice(0, at);
        }

        private void start(int kind, int len) {
            room(align(len));
            buf.asSlice(at, align(len)).fill((byte) 0);
            buf.set(U16, at, (short) kind);
            buf.set(U16, at + 2, (short) len);
        }

        private void room(long more) {
            if (at + more > buf.byteSize()) {
                MemorySegment bigger = arena.allocate(Math.max(buf.byteSize() * 2, at + more), 8);
                MemorySegment.copy(buf, 0, bigger, 0, at);
                buf = bigger;
            }
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
