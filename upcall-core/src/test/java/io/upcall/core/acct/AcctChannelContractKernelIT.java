package io.upcall.core.acct;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.channel.Availability;
import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelContract;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The channel contract for taskstats accounting. Provoking runs {@code /bin/true}; the live options keep only
 * {@code true}'s records, so what else the machine runs does not matter. The recording holds the controller's answer
 * too, so the replay learns the family id as the live stream did.
 */
class AcctChannelContractKernelIT extends ChannelContract<AcctOptions> {

    @Override
    protected Channel<AcctOptions> channel() {
        return AcctChannel.INSTANCE;
    }

    @Override
    protected List<byte[]> badMessages() {
        // A frame too short for its header; then a taskstats-typed message before the controller named the family.
        ByteBuffer early = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
        early.putInt(24).putShort((short) 31).putShort((short) 0).putInt(0).putInt(0).put((byte) 2).put((byte) 1);
        // A controller answer whose attribute runs past the message.
        ByteBuffer ctrl = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
        ctrl.putInt(28).putShort((short) 0x10).putShort((short) 0).putInt(0).putInt(0).put((byte) 1).put((byte) 2)
                .putShort((short) 0).putShort((short) 40).putShort((short) 2);
        return List.of(new byte[] {1, 2, 3}, early.array(), ctrl.array());
    }

    @Override
    protected void assumeLive() {
        Availability a = AcctChannel.INSTANCE.probe();
        assumeTrue(a.available(), a.detail());
    }

    @Override
    protected AcctOptions liveOptions() {
        return new AcctOptions(AcctOptions.ANY, "true", false, AcctOptions.DEFAULT_RECEIVE_BUFFER);
    }

    @Override
    protected void provoke() throws Exception {
        Process p = new ProcessBuilder("/bin/true").start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    /** User and group names come from this machine's files, live only. */
    @Override
    protected String withoutLiveContext(String json) {
        return json.replaceFirst("\"user\":(null|\"[^\"]*\")", "\"user\":null")
                .replaceFirst("\"group\":(null|\"[^\"]*\")", "\"group\":null");
    }
}
