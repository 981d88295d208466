package io.upcall.core.file;

import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelOptions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What to watch.
 *
 * @param paths          the marked paths; none in {@link #defaults()}, which a live stream refuses (fanotify watches
 *                       only what is marked) and a replay does not need
 * @param scope          what each path marks
 * @param events         the kinds to report
 * @param processContext read the actor's {@code comm} and {@code exe} from {@code /proc} (pid, parent and uids come
 *                       from its pidfd anyway)
 * @param receiveBuffer  unused: fanotify has no socket buffer; its queue holds 16384 events
 */
public record FileOptions(List<String> paths, FileScope scope, Set<FileEventType> events, boolean processContext,
        int receiveBuffer) implements ChannelOptions {

    public FileOptions {
        paths = List.copyOf(paths);
        events = events.isEmpty() ? EnumSet.noneOf(FileEventType.class) : EnumSet.copyOf(events);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no file event kinds chosen");
        }
        ChannelOptions.checkReceiveBuffer(receiveBuffer);
    }

    /**
     * No paths, every kind, with process context: what a replay shows (every kind the recording had asked for) and the
     * recorder counts.
     */
    public static FileOptions defaults() {
        return new FileOptions(List.of(), FileScope.PATH, EnumSet.allOf(FileEventType.class), true, DEFAULT_RECEIVE_BUFFER);
    }

    /** Watches {@code paths} (inode marks) for every change ({@link FileEventType#CHANGES}: no opens or reads). */
    public static FileOptions of(List<String> paths) {
        return defaults().withPaths(paths, FileScope.PATH).withEvents(FileEventType.CHANGES);
    }

    public FileOptions withPaths(List<String> marked, FileScope how) {
        return new FileOptions(marked, how, events, processContext, receiveBuffer);
    }

    public FileOptions withEvents(Set<FileEventType> kinds) {
        return new FileOptions(paths, scope, kinds, processContext, receiveBuffer);
    }

    public FileOptions withProcessContext(boolean on) {
        return new FileOptions(paths, scope, events, on, receiveBuffer);
    }

    @Override
    public Channel<?> channel() {
        return FileChannel.INSTANCE;
    }

    @Override
    public FileOptions withReceiveBuffer(int bytes) {
        return new FileOptions(paths, scope, events, processContext, bytes);
    }
}
