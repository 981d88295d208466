package io.upcall.linux;

/**
 * Signal numbers and names as on x86-64 and arm64 Linux ({@code asm-generic/signal.h}), with glibc's
 * view of the real-time range: the kernel's 32 and 33 are reserved by glibc's thread library, so
 * glibc's {@code SIGRTMIN} is 34.
 */
public final class Signals {
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int SIGCHLD = 17;
    /** glibc's {@code SIGRTMIN}. */
    public static final int SIGRTMIN = 34;
    public static final int SIGRTMAX = 64;

    private static final String[] NAMES = {
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
        "SIGSYS"
    };

    private Signals() {}

    /** {@code "SIGKILL"} for 9, {@code "SIGRTMIN+2"} for 36, {@code "SIG32"} for glibc's reserved ones. */
    public static String name(int signal) {
        if (signal > 0 && signal < NAMES.length) {
            return NAMES[signal];
        }
        if (signal == 32 || signal == 33) {
            return "SIG" + signal;
        }
        if (signal == SIGRTMAX) {
            return "SIGRTMAX";
        }
        if (signal >= SIGRTMIN && signal < SIGRTMAX) {
            return signal == SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+" + (signal - SIGRTMIN);
        }
        return "SIG" + signal;
    }
}
