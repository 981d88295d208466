package io.upcall.core.acct;

/**
 * What a job's cgroup v2 directory counted itself, to set beside the sum of its members' exit records: from
 * {@code cpu.stat} ({@code usage_usec}, {@code user_usec}, {@code system_usec}) and {@code io.stat} ({@code rbytes},
 * {@code wbytes} summed over its devices). A figure the cgroup does not offer is {@link #UNKNOWN}: {@code io.stat}
 * exists only where the {@code io} controller is enabled for it (not on a hybrid hierarchy whose {@code blkio} is
 * bound to cgroup v1).
 *
 * @param path       the cgroup's directory
 * @param usageUs    CPU time of its tasks, microseconds (the scheduler's, not sampled by ticks)
 * @param userUs     of which user time
 * @param systemUs   of which system time
 * @param readBytes  bytes read from block devices, or {@link #UNKNOWN}
 * @param writeBytes bytes written to block devices, or {@link #UNKNOWN}
 */
public record CgroupUsage(String path, long usageUs, long userUs, long systemUs, long readBytes, long writeBytes) {
    /** A figure this cgroup does not offer. */
    public static final long UNKNOWN = -1;

    /** What was counted since {@code start} (a cgroup taken over running had counted before the job began). */
    public CgroupUsage since(CgroupUsage start) {
        return new CgroupUsage(path, minus(usageUs, start.usageUs), minus(userUs, start.userUs),
                minus(systemUs, start.systemUs), minus(readBytes, start.readBytes), minus(writeBytes, start.writeBytes));
    }

    private static long minus(long end, long start) {
        return end == UNKNOWN || start == UNKNOWN ? UNKNOWN : end - start;
    }
}
