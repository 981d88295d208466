package io.upcall.core.relay;

import io.upcall.linux.Signals;

/**
 * What the relay needs from {@code /proc/<pid>/status}: the uids {@code kill(2)} compares and the signal masks
 * that say what the process does with a signal ({@code SigBlk} is the main thread's, {@code SigIgn} and
 * {@code SigCgt} the whole process's). Pure: parsing only.
 *
 * @param name  the {@code Name:} line (the comm)
 * @param uids  real, effective, saved and filesystem uid
 * @param sigBlk blocked signals as a bit mask, bit {@code n-1} for signal {@code n}; likewise {@code sigIgn},
 *               {@code sigCgt}
 */
record ProcStatus(String name, int[] uids, long sigBlk, long sigIgn, long sigCgt) {
    /** Signals whose default action is to do nothing (signal(7)): unhandled, they do no harm. */
    private static final long DEFAULT_IGNORED = bit(Signals.SIGCHLD) | bit(18) | bit(23) | bit(28); // CONT URG WINCH
    /** Signals whose default action is to stop the process (signal(7)): TSTP, TTIN, TTOU (SIGSTOP is refused). */
    private static final long DEFAULT_STOPS = bit(20) | bit(21) | bit(22);

    /** @return the status, or null when {@code text} lacks the lines this needs */
    static ProcStatus parse(String text) {
        String name = field(text, "Name:");
        String uid = field(text, "Uid:");
        String blk = field(text, "SigBlk:");
        String ign = field(text, "SigIgn:");
        String cgt = field(text, "SigCgt:");
        if (uid == null || blk == null || ign == null || cgt == null) {
            return null;
        }
        String[] ids = uid.split("\\s+");
        if (ids.length < 4) {
            return null;
        }
        try {
            int[] uids = new int[4];
            for (int i = 0; i < 4; i++) {
                uids[i] = Integer.parseUnsignedInt(ids[i]);
            }
            return new ProcStatus(name != null ? name : "?", uids, Long.parseUnsignedLong(blk, 16),
                    Long.parseUnsignedLong(ign, 16), Long.parseUnsignedLong(cgt, 16));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String field(String text, String key) {
        int at = text.startsWith(key) ? 0 : text.indexOf("\n" + key);
        if (at < 0) {
            return null;
        }
        int start = at + (at == 0 ? 0 : 1) + key.length();
        int end = text.indexOf('\n', start);
        return text.substring(start, end < 0 ? text.length() : end).strip();
    }

    private static long bit(int signal) {
        return 1L << (signal - 1);
    }

    public int realUid() {
        return uids[0];
    }

    public int savedUid() {
        return uids[2];
    }

    /**
     * Whether a process running as {@code senderUid} may signal this one, by the rule of {@code kill(2)} for an
     * unprivileged sender: its uid must be this process's real or saved uid. Root may signal any process.
     */
    boolean maySignal(int senderUid) {
        return senderUid == 0 || senderUid == uids[0] || senderUid == uids[2];
    }

    /**
     * What {@code signal} would do to this process now, or null when nothing harmful: it is caught, ignored,
     * blocked (taken later with {@code sigwaitinfo} or a {@code signalfd}), or ignored by default.
     */
    String harm(int signal) {
        long b = bit(signal);
        if (((sigCgt | sigIgn | sigBlk | DEFAULT_IGNORED) & b) != 0) {
            return null;
        }
        return (DEFAULT_STOPS & b) != 0 ? "stop it" : "end it";
    }
}
