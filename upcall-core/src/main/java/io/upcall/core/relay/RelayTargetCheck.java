package io.upcall.core.relay;

import io.upcall.linux.Signals;

/**
 * The registrations that are almost always mistakes, refused unless forced: the relay would end or stop the
 * process it signals, or signal init. The server applies them (it is the trust boundary, and not every client is
 * {@code upcall}); {@link RelayClient} applies them first so that {@code upcall relay register} can say so
 * before it connects.
 */
final class RelayTargetCheck {
    /** systemd reads SIGRTMIN+3, +4 and +5 sent to pid 1 as halt, poweroff and reboot. */
    static final int INIT = 1;

    private RelayTargetCheck() {}

    /**
     * @param status {@code pid}'s status, read while the caller held its pidfd
     * @return why registering {@code pid} for {@code signal} is refused without {@code force}, or null if it is not
     */
    static String refusal(int pid, ProcStatus status, int signal) {
        String init = initRefusal(pid);
        return init != null ? init : harmRefusal(pid, status, signal);
    }

    /** @return why {@code pid} is refused whatever the signal, or null */
    static String initRefusal(int pid) {
        return pid != INIT ? null : "pid 1 is init: on systemd, SIGRTMIN+3, +4 and +5 sent to it mean halt, poweroff "
                + "and reboot, and any signal it does not handle is lost; give --force (force in the protocol) if you "
                + "mean it";
    }

    /** @return why {@code signal} would harm {@code pid} as it is now, or null */
    static String harmRefusal(int pid, ProcStatus status, int signal) {
        String harm = status.harm(signal);
        if (harm == null) {
            return null;
        }
        String name = Signals.name(signal);
        String trapName = name.startsWith("SIG") ? name.substring(3) : name;
        return "pid " + pid + " (" + status.name() + ") neither handles, blocks nor ignores " + name + " (" + signal
                + "), so the first event relayed to it would " + harm + ". Handle it first (in a shell: trap '...' "
                + trapName + "; in C: block it and take it with sigwaitinfo or a signalfd), or give --force "
                + "(force in the protocol) if it will";
    }
}
