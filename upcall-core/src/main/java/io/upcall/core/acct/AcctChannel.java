package io.upcall.core.acct;

import io.upcall.core.channel.Availability;
import io.upcall.core.channel.CaptureLink;
import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelContext;
import io.upcall.core.channel.DecodeContext;
import io.upcall.core.channel.EventStage;
import io.upcall.core.channel.StreamContext;
import io.upcall.core.channel.LiveChannel;
import io.upcall.core.channel.MessageDecoder;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;

/**
 * Process accounting from taskstats (generic netlink family {@code TASKSTATS}): the kernel's record of every task as
 * it exits, folded into one record per thread group at the group's end ({@code lastcomm} with every figure).
 */
public final class AcctChannel implements Channel<AcctOptions> {
    /** The channel's name, in the stream and on the command line. */
    public static final String NAME = "acct";
    /** The one instance; {@link java.util.ServiceLoader} finds it through the public constructor. */
    public static final AcctChannel INSTANCE = new AcctChannel();

    /** For {@link java.util.ServiceLoader}; use {@link #INSTANCE}. */
    public AcctChannel() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "process accounting (taskstats): CPU, memory, I/O, delays at exit";
    }

    @Override
    public AcctOptions defaults() {
        return AcctOptions.defaults();
    }

    @Override
    public Availability probe() {
        return TaskstatsProbe.check();
    }

    /** Generic netlink: the family id of {@code TASKSTATS} is learned from the controller's answer, which is recorded too. */
    @Override
    public CaptureLink link() {
        return new CaptureLink.Netlink(NetlinkSocket.NETLINK_GENERIC);
    }

    @Override
    public MessageDecoder decoder(AcctOptions options, DecodeContext context) {
        return new AcctMessageDecoder(options, context);
    }

    /**
     * Live: user and group names from this machine's files; a replay's ids may be another machine's. With jobs: a job
     * per session ({@link SessionJobs}), seeded from {@code /proc} when live.
     */
    @Override
    public EventStage stage(AcctOptions options, StreamContext context) {
        EventStage names = context.live() ? AcctNames.system() : null;
        if (options.jobs() == AcctOptions.Jobs.NONE) {
            return names;
        }
        return new SessionJobs(options, names, SessionJobs.MAX_JOBS,
                context.live() ? () -> ProcSessions.read(java.nio.file.Path.of("/proc")) : null);
    }

    @Override
    public LiveChannel open(AcctOptions options, ChannelContext context) throws LinuxException {
        return TaskstatsSource.open(options, context);
    }
}
