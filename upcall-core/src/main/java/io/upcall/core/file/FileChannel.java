package io.upcall.core.file;

import io.upcall.core.channel.Availability;
import io.upcall.core.channel.CaptureLink;
import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelContext;
import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.EventStage;
import io.upcall.core.channel.LiveChannel;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.core.channel.StreamContext;
import io.upcall.linux.LinuxException;

/**
 * File events from fanotify ({@code FAN_CLASS_NOTIF} with file handles, directory and name): created, written,
 * closed, changed (chmod, chown, utimes), renamed, deleted, opened and executed files under marked paths, mounts or
 * filesystems, each with its full path and the acting process. fanotify is not netlink: its records go in a capture
 * under {@code LINKTYPE_USER0} (147), with the paths and the actor the live reader resolved.
 */
public final class FileChannel implements Channel<FileOptions> {
    /** The channel's name, in the stream and on the command line. */
    public static final String NAME = "file";
    /** {@code LINKTYPE_USER0}. */
    public static final int LINK_TYPE = 147;
    /** The one instance; {@link java.util.ServiceLoader} finds it through the public constructor. */
    public static final FileChannel INSTANCE = new FileChannel();

    /** For {@link java.util.ServiceLoader}; use {@link #INSTANCE}. */
    public FileChannel() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "file events (fanotify): create, modify, attrib, rename, delete, open, exec under marked paths";
    }

    @Override
    public FileOptions defaults() {
        return FileOptions.defaults();
    }

    /** Only when asked: fanotify reports nothing without marks, and which paths to mark is the user's choice. */
    @Override
    public boolean joinsMonitor() {
        return false;
    }

    @Override
    public Availability probe() {
        return FileProbe.check();
    }

    @Override
    public CaptureLink link() {
        return new CaptureLink.Private(LINK_TYPE);
    }

    @Override
    public MessageDecoder decoder(FileOptions options, DecodeContext context) {
        return new FileMessageDecoder(options);
    }

    /** In a replay, the recorder's own events are left out as live leaves out its own. */
    @Override
    public EventStage stage(FileOptions options, StreamContext context) {
        int self = context.selfPid();
        return self <= 0 ? null : e -> e instanceof FileEvent f && f.pid() == self ? null : e;
    }

    @Override
    public LiveChannel open(FileOptions options, ChannelContext context) throws LinuxException {
        return FanotifySource.open(options, context);
    }
}
