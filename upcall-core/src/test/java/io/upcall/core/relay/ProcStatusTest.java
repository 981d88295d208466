package io.upcall.core.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The parts of {@code /proc/<pid>/status} the relay judges by, and the judgements. */
class ProcStatusTest {
    /** As Linux writes it, trimmed: bash trapping SIGINT, SIGCHLD and SIGRTMIN+2, ignoring SIGQUIT, blocking none. */
    private static final String BASH = """
            Name:\tbash
            Umask:\t0022
            State:\tS (sleeping)
            Tgid:\t812
            Uid:\t1000\t1000\t1000\t1000
            Gid:\t1000\t1000\t1000\t1000
            SigQ:\t0/63349
            SigPnd:\t0000000000000000
            ShdPnd:\t0000000000000000
            SigBlk:\t0000000000000000
            SigIgn:\t0000000000000004
            SigCgt:\t0000000800010002
            """;

    @Test
    void readsTheUidsAndMasks() {
        ProcStatus s = ProcStatus.parse(BASH);
        assertThat(s.name()).isEqualTo("bash");
        assertThat(s.uids()).containsExactly(1000, 1000, 1000, 1000);
        assertThat(s.sigCgt()).isEqualTo(0x800010002L);
        assertThat(s.sigIgn()).isEqualTo(4);
    }

    @Test
    void saysWhatASignalWouldDo() {
        ProcStatus s = ProcStatus.parse(BASH);
        assertThat(s.harm(36)).isNull();        // SIGRTMIN+2: trapped
        assertThat(s.harm(3)).isNull();         // SIGQUIT: ignored
        assertThat(s.harm(28)).isNull();        // SIGWINCH: ignored by default
        assertThat(s.harm(34)).isEqualTo("end it");
        assertThat(s.harm(64)).isEqualTo("end it");
        assertThat(s.harm(20)).isEqualTo("stop it");
        ProcStatus blocking = ProcStatus.parse(BASH.replace("SigBlk:\t0000000000000000", "SigBlk:\t0000000200000000"));
        assertThat(blocking.harm(34)).isNull(); // blocked, for sigwaitinfo
    }

    @Test
    void allowsSignalsAsKillDoes() {
        ProcStatus setuidRun = ProcStatus.parse(BASH.replace("Uid:\t1000\t1000\t1000\t1000", "Uid:\t1000\t0\t0\t0"));
        assertThat(setuidRun.maySignal(1000)).isTrue(); // real uid: a user may signal the setuid program they ran
        assertThat(setuidRun.maySignal(0)).isTrue();
        assertThat(setuidRun.maySignal(1001)).isFalse();
        ProcStatus becameRoot = ProcStatus.parse(BASH.replace("Uid:\t1000\t1000\t1000\t1000", "Uid:\t0\t1000\t0\t0"));
        assertThat(becameRoot.maySignal(1000)).isFalse(); // its effective uid does not count
    }

    @Test
    void textWithoutTheLinesGivesNothing() {
        assertThat(ProcStatus.parse("")).isNull();
        assertThat(ProcStatus.parse("Name:\tx\nUid:\t1\t2\n")).isNull();
        assertThat(ProcStatus.parse(BASH.replace("SigCgt:\t0000000800010002", "SigCgt:\tzz"))).isNull();
    }
}
