package io.upcall.core.relay;

import io.upcall.linux.Pidfd;

/**
 * A process a relay registration signals, and who asked: its pidfd (so that signals reach this process and no
 * later one with its pid) and, when the asker was not root, its status file kept open, so that each signal is
 * allowed only while {@code kill(2)} would allow the asker to send it ({@link ProcStatus#maySignal}). The status
 * file stays bound to the process the pidfd names ({@link StatusFile}); the one who opens both checks that.
 *
 * @param owner  the uid that asked for the registration
 * @param status the target's status, or null when root asked (root may signal any process)
 */
record RelayTarget(Pidfd pidfd, StatusFile status, int owner, String comm) implements AutoCloseable {

    int pid() {
        return pidfd.pid();
    }

    @Override
    public void close() {
        pidfd.close();
        if (status != null) {
            status.close();
        }
    }
}
