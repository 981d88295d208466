package io.upcall.core.file;

import io.upcall.core.channel.Envelope;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.core.event.Event;
import io.upcall.core.event.LossEvent;
import io.upcall.core.event.MalformedEvent;
import io.upcall.protocol.DecodeResult;
import io.upcall.protocol.fanotify.Fanotify;
import io.upcall.protocol.fanotify.FanotifyDecoder;
import io.upcall.protocol.fanotify.FanotifyEvent;
import io.upcall.protocol.fanotify.FanotifyInfo;
import io.upcall.protocol.fanotify.FanotifyInfoDecoder;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link FileRecord} to events, live, in the recorder and in replay alike: the fanotify metadata and info records
 * decoded, each fid record's path joined with its entry name, one event per kind the kernel merged into the mask
 * (in {@link FileEventType} order), {@code FAN_Q_OVERFLOW} as a loss. Never throws on the bytes.
 */
final class FileMessageDecoder implements MessageDecoder {
    static final String OVERFLOW_REASON = "the kernel's fanotify queue overflowed (16384 events); events were dropped";
    private static final FileEventType[] TYPES = FileEventType.values();

    private final Set<FileEventType> wanted;

    FileMessageDecoder(FileOptions options) {
        this.wanted = options.events();
    }

    @Override
    public void decode(MemorySegment message, Envelope envelope, Instant received, List<Event> out) {
        FileRecord.Parsed record;
        switch (FileRecord.parse(message)) {
            case DecodeResult.Decoded<FileRecord.Parsed> d -> record = d.value();
            case DecodeResult.Malformed<FileRecord.Parsed> m -> {
                out.add(new MalformedEvent(received, FileChannel.NAME, m.kind(), m.offset(), m.detail()));
                return;
            }
            case DecodeResult.Skipped<FileRecord.Parsed> s -> {
                return;
            }
        }
        MemorySegment bytes = record.event();
        FanotifyEvent event;
        switch (FanotifyDecoder.decode(bytes, 0, bytes.byteSize())) {
            case DecodeResult.Decoded<FanotifyEvent> d -> event = d.value();
            case DecodeResult.Malformed<FanotifyEvent> m -> {
                out.add(new MalformedEvent(received, FileChannel.NAME, m.kind(), m.offset() + FileRecord.HEADER_LEN, m.detail()));
                return;
            }
            case DecodeResult.Skipped<FanotifyEvent> s -> {
                out.add(new MalformedEvent(received, FileChannel.NAME, "metadata_version", FileRecord.HEADER_LEN + 4, s.reason()));
                return;
            }
        }
        if (event.isOverflow()) {
            out.add(new LossEvent(received, FileChannel.NAME, LossEvent.UNKNOWN, OVERFLOW_REASON));
            return;
        }
        List<FanotifyInfo> infos;
        switch (FanotifyInfoDecoder.decode(bytes, event.metadataLength(), event.eventLength())) {
            case DecodeResult.Decoded<List<FanotifyInfo>> d -> infos = d.value();
            case DecodeResult.Malformed<List<FanotifyInfo>> m -> {
                out.add(new MalformedEvent(received, FileChannel.NAME, m.kind(), m.offset() + FileRecord.HEADER_LEN, m.detail()));
                return;
            }
            case DecodeResult.Skipped<List<FanotifyInfo>> s -> {
                return;
            }
        }
        Target main = null;
        Target old = null;
        Target renamed = null;
        Target dir = null;
        Target object = null;
        for (FanotifyInfo info : infos) {
            if (info instanceof FanotifyInfo.Fid fid) {
                Target t = Target.of(fid, record.paths());
                switch (fid.type()) {
                    case Fanotify.FAN_EVENT_INFO_TYPE_DFID_NAME -> main = t;
                    case Fanotify.FAN_EVENT_INFO_TYPE_OLD_DFID_NAME -> old = t;
                    case Fanotify.FAN_EVENT_INFO_TYPE_NEW_DFID_NAME -> renamed = t;
                    case Fanotify.FAN_EVENT_INFO_TYPE_DFID -> dir = t;
                    default -> object = t;
                }
            }
        }
        Target where = main != null ? main : renamed != null ? renamed : dir != null ? dir : object;
        boolean directory = (event.mask() & Fanotify.FAN_ONDIR) != 0;
        int pid = event.pid();
        for (FileEventType type : TYPES) {
            if ((event.mask() & type.bit()) == 0 || !wanted.contains(type)) {
                continue;
            }
            Target t = type == FileEventType.RENAME && renamed != null ? renamed : where;
            Target from = type == FileEventType.RENAME ? old : null;
            String unresolved = t == null ? "no_fid" : t.unresolved() != null ? t.unresolved()
                    : from != null && from.unresolved() != null ? from.unresolved() : null;
            out.add(new FileEvent(received, type.jsonName(), t == null ? null : t.path(), from == null ? null : from.path(),
                    directory, pid, record.actor(), unresolved, t == null ? null : t.name()));
        }
    }

    /** A fid record made a path: its directory's resolution and the entry's name. */
    private record Target(String path, String name, String unresolved) {
        static Target of(FanotifyInfo.Fid fid, Map<Integer, FileRecord.Resolution> paths) {
            FileRecord.Resolution r = paths.get(fid.offset());
            String name = fid.nameText();
            if (r == null || r.path() == null) {
                return new Target(null, name, r == null ? "not_resolved" : r.reason());
            }
            if (name == null || name.equals(".")) {
                return new Target(r.path(), name, null);
            }
            return new Target(r.path().endsWith("/") ? r.path() + name : r.path() + "/" + name, name, null);
        }
    }
}
