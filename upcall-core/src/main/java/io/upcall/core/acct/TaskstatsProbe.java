package io.upcall.core.acct;

import io.upcall.core.channel.Availability;
import io.upcall.core.netlink.Sysctl;
import io.upcall.linux.Errno;
import io.upcall.linux.LinuxException;
import io.upcall.protocol.genl.GenlFamily;

/** Whether taskstats exit records can be had here, and whether delay accounting fills their delay figures. */
final class TaskstatsProbe {
    private TaskstatsProbe() {}

    static Availability check() {
        String cpus = TaskstatsFamily.possibleCpus();
        try {
            GenlFamily family = TaskstatsFamily.check(cpus);
            return new Availability(AcctChannel.NAME, true, "generic netlink family TASKSTATS is id " + family.id()
                    + " on this boot; exit records registered on CPUs " + cpus + "; " + delayAccounting());
        } catch (LinuxException e) {
            String why = e.errno() == Errno.ENOENT ? ": the kernel has no TASKSTATS family (CONFIG_TASKSTATS)"
                    : e.errno() == Errno.EINVAL ? ": registration is refused outside the initial user and pid namespaces"
                    : e.isPermissionDenied() ? ": not allowed to register for exit records here" : "";
            return new Availability(AcctChannel.NAME, false, e.getMessage() + why);
        }
    }

    /** {@code kernel.task_delayacct}: off, the delay figures stay 0. */
    static String delayAccounting() {
        String on = Sysctl.read("kernel.task_delayacct");
        if (on == null) {
            return "delay accounting: kernel.task_delayacct not readable (CONFIG_TASK_DELAY_ACCT off?), delays stay 0";
        }
        return "1".equals(on) ? "delay accounting on (kernel.task_delayacct = 1)"
                : "delay accounting off (kernel.task_delayacct = " + on + "): delay figures but cpu stay 0; upcall acct --delays switches it on while it runs";
    }
}
