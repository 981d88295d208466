package io.upcall.core.proc;

import io.upcall.core.KernelTests;
import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelContract;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The channel contract for the proc connector. */
class ProcChannelContractKernelIT extends ChannelContract<ProcOptions> {

    @Override
    protected Channel<ProcOptions> channel() {
        return ProcChannel.INSTANCE;
    }

    @Override
    protected List<byte[]> badMessages() {
        return List.of(new byte[3], new byte[] {40, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0});
    }

    @Override
    protected void assumeLive() {
        KernelTests.assumeProcConnector();
    }

    /** Only this JVM's children: the comparison must not depend on what else the machine does. */
    @Override
    protected ProcOptions liveOptions() {
        return ProcOptions.defaults().withProcessContext(false).withTree((int) ProcessHandle.current().pid());
    }

    @Override
    protected void provoke() throws Exception {
        Process p = new ProcessBuilder("/bin/true").start();
        p.waitFor(5, TimeUnit.SECONDS);
    }
}
