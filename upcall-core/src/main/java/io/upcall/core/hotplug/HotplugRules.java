package io.upcall.core.hotplug;

import java.util.List;

/**
 * The hotplug rules {@link io.upcall.core.Upcall.Builder#hotplug} runs: for every kernel uevent, each rule that matches runs
 * its program, in the order of the list. Per device ({@code DEVPATH}) the programs run one at a time, in
 * {@code SEQNUM} order; across devices at most {@code maxJobs} run at once. Each outcome is an
 * {@link ActionEvent} in the stream.
 *
 * @param rules   in order: the first is rule 1 in outcome events
 * @param maxJobs how many programs may run at once
 */
public record HotplugRules(List<HotplugRule> rules, int maxJobs) {
    public static final int DEFAULT_MAX_JOBS = 8;

    public HotplugRules {
        rules = List.copyOf(rules);
        if (maxJobs <= 0) {
            throw new IllegalArgumentException("max jobs must be positive, not " + maxJobs);
        }
    }

    /** {@code rules} with at most {@link #DEFAULT_MAX_JOBS} programs at once. */
    public static HotplugRules of(HotplugRule... rules) {
        return new HotplugRules(List.of(rules), DEFAULT_MAX_JOBS);
    }

    public HotplugRules withMaxJobs(int jobs) {
        return new HotplugRules(rules, jobs);
    }
}
