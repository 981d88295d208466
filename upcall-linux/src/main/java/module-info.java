/**
 * The foreign-function boundary: downcalls, errno, netlink and Unix sockets, pidfds, signals. The only module
 * that touches {@link java.lang.foreign.Linker}.
 */
module io.upcall.linux {
    exports io.upcall.linux;
}
