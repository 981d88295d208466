package io.upcall.core.proc;

import io.upcall.core.channel.Availability;
import io.upcall.core.channel.CaptureLink;
import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelContext;
import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.EventStage;
import io.upcall.core.channel.LiveChannel;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.core.channel.StreamContext;
import io.upcall.core.netlink.KernelVersion;
import io.upcall.core.procfs.ProcFs;
import io.upcall.core.procfs.UserNames;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import java.nio.file.Path;

/**
 * Process events from the proc connector: fork, exec, exit, uid, gid, sid, comm, ptrace, coredump ({@code forkstat}).
 * Events carry a {@code process} object from Upcall's table of processes, kept by these events and {@code /proc}.
 */
public final class ProcChannel implements Channel<ProcOptions> {
    /** The channel's name, in the stream and on the command line. */
    public static final String NAME = "proc";
    /** The one instance; {@link java.util.ServiceLoader} finds it through the public constructor. */
    public static final ProcChannel INSTANCE = new ProcChannel();

    /** For {@link java.util.ServiceLoader}; use {@link #INSTANCE}. */
    public ProcChannel() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "process events (proc connector): fork, exec, exit, ...";
    }

    @Override
    public ProcOptions defaults() {
        return ProcOptions.defaults();
    }

    @Override
    public Availability probe() {
        return ProcConnectorProbe.check(KernelVersion.running());
    }

    @Override
    public CaptureLink link() {
        return new CaptureLink.Netlink(NetlinkSocket.NETLINK_CONNECTOR);
    }

    /** Replay and the recorder see every event type, so sequence gaps mean loss. */
    @Override
    public MessageDecoder decoder(ProcOptions options, DecodeContext context) {
        return new ProcMessageDecoder(true, context);
    }

    @Override
    public EventStage stage(ProcOptions options, StreamContext context) {
        ProcessTable table = null;
        boolean attach = options.processContext() && context.live();
        if (attach || options.tree() > 0) {
            // A replay's processes are not this machine's: its table learns only from the capture.
            table = context.live()
                    ? new ProcessTable(ProcFs.system(), new UserNames(Path.of("/etc/passwd")))
                    : new ProcessTable(new ProcFs(Path.of("/nonexistent-upcall-replay")), new UserNames(Path.of("/nonexistent")));
        }
        int none = ProcessEnricher.NONE;
        return new ProcessEnricher(table, attach, options.ancestors(),
                options.pid() > 0 ? options.pid() : none, options.tree() > 0 ? options.tree() : none,
                options.includeSelf() || context.selfPid() < 0 ? none : context.selfPid(), options.kernelMask(),
                options.execWitnessWait());
    }

    @Override
    public LiveChannel open(ProcOptions options, ChannelContext context) throws LinuxException {
        return ProcConnectorSource.open(options, context, KernelVersion.running());
    }
}
