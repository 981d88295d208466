package io.upcall.core.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.KernelTests;
import io.upcall.core.Upcall;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --rcvbuf} is every channel's: {@code monitor --rcvbuf 1M} gives the device socket 1 MiB too (it once did not). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReceiveBufferKernelIT {

    @Test
    void oneReceiveBufferSizeReachesEveryNetlinkChannel() throws Exception {
        KernelTests.assumeProcConnector();
        assumeTrue(Channels.named("device").isPresent(), "the device channel is registered");
        try (Upcall upcall = Upcall.builder().allSources(1 << 20).start()) {
            for (String name : new String[] {"proc", "device"}) {
                // SO_RCVBUFFORCE as root; the kernel doubles what it is asked for, and getsockopt reads that back.
                assertThat(upcall.channel(name).orElseThrow().receiveBuffer()).as(name).isEqualTo(2 << 20);
            }
        }
    }
}
