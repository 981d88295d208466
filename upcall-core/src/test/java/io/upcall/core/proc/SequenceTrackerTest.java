package io.upcall.core.proc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceTrackerTest {
    private final SequenceTracker tracker = new SequenceTracker();

    @Test
    void firstEventPerCpuSetsTheBaseline() {
        assertThat(tracker.observe(0, 1000)).isZero();
        assertThat(tracker.observe(1, 5)).isZero();
        assertThat(tracker.observe(0, 1001)).isZero();
        assertThat(tracker.observe(1, 6)).isZero();
    }

    @Test
    void countsTheEventsMissingOnOneCpu() {
        tracker.observe(3, 10);
        assertThat(tracker.observe(3, 14)).isEqualTo(3);
        assertThat(tracker.observe(3, 15)).isZero();
    }

    @Test
    void countsAcrossTheUnsignedWrap() {
        tracker.observe(0, 0xfffffffe);
        assertThat(tracker.observe(0, 1)).isEqualTo(2); // 0xffffffff and 0 are missing
    }

    @Test
    void ignoresCpusTheKernelDidNotNameAndBackwardJumps() {
        assertThat(tracker.observe(-1, 5)).isZero();
        tracker.observe(0, 100);
        assertThat(tracker.observe(0, 50)).isZero();
        assertThat(tracker.observe(0, 51)).isZero();
    }
}
