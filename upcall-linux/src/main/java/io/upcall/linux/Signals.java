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

    /**
     * The signal a user named: a number ({@code "36"}), a name with or without {@code SIG} in any case
     * ({@code "SIGUSR1"}, {@code "usr1"}), or a real-time offset ({@code "SIGRTMIN+2"}, {@code "RTMAX-1"}).
     * @throws IllegalArgumentException when it names no signal from 1 to 64
     */
    public static int parse(String text) {
        String t = text.strip().toUpperCase(java.util.Locale.ROOT);
        int signal;
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            signal = t.length() > 3 ? -1 : Integer.parseInt(t);
        } else {
            signal = named(t.startsWith("SIG") ? t : "SIG" + t);
        }
        if (signal < 1 || signal > SIGRTMAX) {
            throw new IllegalArgumentException("'" + text + "' is not a signal: give a number from 1 to " + SIGRTMAX
                    + " or a name such as SIGUSR1 or SIGRTMIN+2");
        }
        return signal;
    }

    private static int named(String name) {
        for (int i = 1; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return i;
            }
        }
        for (String base : new String[] {"SIGRTMIN", "SIGRTMAX"}) {
            if (name.startsWith(base)) {
                int origin = base.equals("SIGRTMIN") ? SIGRTMIN : SIGRTMAX;
                String rest = name.substring(base.length());
                if (rest.isEmpty()) {
                    return origin;
                }
                if (rest.length() > 1 && rest.length() <= 3 && (rest.charAt(0) == '+' || rest.charAt(0) == '-')
                        && rest.substring(1).chars().allMatch(Character::isDigit)) {
                    int offset = Integer.parseInt(rest.substring(1));
                    int signal = rest.charAt(0) == '+' ? origin + offset : origin - offset;
                    return signal >= SIGRTMIN && signal <= SIGRTMAX ? signal : -1;
                }
            }
        }
        return -1;
    }
}
