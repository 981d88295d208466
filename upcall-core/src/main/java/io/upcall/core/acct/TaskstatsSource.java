package io.upcall.core.acct;

import io.upcall.core.channel.ChannelContext;
import io.upcall.core.channel.DecodeContext;
import io.upcall.core.netlink.NetlinkSource;
import io.upcall.linux.LinuxException;
import io.upcall.linux.NetlinkSocket;
import io.upcall.protocol.genl.GenlEncoder;
import io.upcall.protocol.genl.GenlFamily;
import io.upcall.protocol.taskstats.Taskstats;

/**
 * Taskstats exit records live ({@code NETLINK_GENERIC}): after {@link TaskstatsFamily} found the family and checked
 * the registration, the channel's socket asks the controller for the family again (the answer is the first datagram
 * the reading thread receives: recorded, and the decoder learns the id from it, live as in a replay), then registers
 * for exit records on every possible CPU, so CPUs that come online later report too. Closing deregisters.
 */
final class TaskstatsSource {
    /** A group's last exit: nlmsghdr, genlmsghdr, two aggregates of a 560-byte version-16 struct: 1172 bytes. */
    private static final int MESSAGE_BYTES = 8192;

    private TaskstatsSource() {}

    static NetlinkSource open(AcctOptions options, ChannelContext context) throws LinuxException {
        String cpus = TaskstatsFamily.possibleCpus();
        GenlFamily family = TaskstatsFamily.check(cpus);
        AcctMessageDecoder decoder = new AcctMessageDecoder(options, DecodeContext.onWallClock(true, context.clock(),
                context.errors()));
        NetlinkSource.Spec spec = new NetlinkSource.Spec(AcctChannel.NAME, NetlinkSocket.NETLINK_GENERIC, MESSAGE_BYTES,
                "receive buffer overflow (ENOBUFS): exit records dropped");
        NetlinkSource.Subscription subscription = new NetlinkSource.Subscription() {
            @Override
            public void subscribe(NetlinkSocket socket) throws LinuxException {
                socket.bind(0);
                socket.send(GenlEncoder.getFamily(Taskstats.TASKSTATS_GENL_NAME, 1));
                socket.send(TaskstatsFamily.cpumask(family.id(), Taskstats.TASKSTATS_CMD_ATTR_REGISTER_CPUMASK, cpus, 2));
            }

            @Override
            public void unsubscribe(NetlinkSocket socket) throws LinuxException {
                socket.send(TaskstatsFamily.cpumask(family.id(), Taskstats.TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK, cpus, 3));
            }
        };
        return NetlinkSource.open(spec, options.receiveBuffer(), subscription, new NetlinkSource.Reading.Inline(decoder),
                context);
    }
}
