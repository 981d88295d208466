package io.upcall.core.device;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The channel contract for uevents. Provoking writes a synthetic {@code change} to the loopback device's uevent
 * file: every uevent listener on the host sees it (harmless: a change on {@code lo}, tagged UPCALLTEST=1).
 */
class DeviceChannelContractKernelIT extends ChannelContract<DeviceOptions> {
    private static final Path LO = Path.of("/sys/class/net/lo/uevent");

    @Override
    protected Channel<DeviceOptions> channel() {
        return DeviceChannel.INSTANCE;
    }

    @Override
    protected List<byte[]> badMessages() {
        return List.of(new byte[0], "add@\0".getBytes(StandardCharsets.US_ASCII),
                "libudev\0\0\0\0\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    protected void assumeLive() {
        assumeTrue(Files.isWritable(LO), "needs root to write " + LO);
    }

    /** Only the loopback device's uevents: what else the machine does must not matter. */
    @Override
    protected DeviceOptions liveOptions() {
        return new DeviceOptions(Set.of("net"), null, Set.of("change"), false, DeviceOptions.DEFAULT_RECEIVE_BUFFER);
    }

    @Override
    protected void provoke() throws Exception {
        Files.writeString(LO, "change " + UUID.randomUUID() + " UPCALLTEST=1");
    }
}
