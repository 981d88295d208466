/**
 * Upcall's library: the {@link io.upcall.core.Upcall} entry point, events, the channel SPI and the channels, and the
 * reactions (hotplug rules, relay fork), capture and replay. Exported: the API only. The pipeline, the shared netlink
 * reading and {@code /proc} access are internal; inside the exported packages, what is not API is package-private.
 * {@code docs/architecture.md} shows how the packages follow the data.
 */
module io.upcall.core {
    requires transitive io.upcall.linux;
    requires transitive io.upcall.protocol;

    exports io.upcall.core;
    exports io.upcall.core.event;
    exports io.upcall.core.json;
    exports io.upcall.core.channel;
    exports io.upcall.core.proc;
    exports io.upcall.core.device;
    exports io.upcall.core.audit;
    exports io.upcall.core.acct;
    exports io.upcall.core.file;
    exports io.upcall.core.capture;
    exports io.upcall.core.hotplug;
    exports io.upcall.core.relay;
    exports io.upcall.core.coldplug;
    exports io.upcall.core.guard;

    uses io.upcall.core.channel.Channel;

    provides io.upcall.core.channel.Channel with io.upcall.core.proc.ProcChannel, io.upcall.core.device.DeviceChannel,
            io.upcall.core.audit.AuditChannel, io.upcall.core.acct.AcctChannel, io.upcall.core.file.FileChannel;
}
