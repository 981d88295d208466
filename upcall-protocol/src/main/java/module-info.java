/** Pure decoders and encoders of the kernel's formats: no I/O, no threads, no clock. */
module io.upcall.protocol {
    exports io.upcall.protocol;
    exports io.upcall.protocol.audit;
    exports io.upcall.protocol.cnproc;
    exports io.upcall.protocol.fanotify;
    exports io.upcall.protocol.genl;
    exports io.upcall.protocol.netlink;
    exports io.upcall.protocol.pcap;
    exports io.upcall.protocol.taskstats;
    exports io.upcall.protocol.uevent;
}
