package io.upcall.protocol.taskstats;

/**
 * Constants of {@code <linux/taskstats.h>} and {@code <linux/acct.h>}: the {@code TASKSTATS} generic netlink family's
 * commands and attributes. Its message layout is {@link TaskstatsField}'s.
 */
public final class Taskstats {
    /** {@code TASKSTATS_GENL_NAME}: the family's name for {@code CTRL_CMD_GETFAMILY}. */
    public static final String TASKSTATS_GENL_NAME = "TASKSTATS";
    public static final int TASKSTATS_GENL_VERSION = 1;
    /** The newest {@code struct taskstats} version this decoder knows field by field. */
    public static final int TASKSTATS_VERSION = 16;
    public static final int TS_COMM_LEN = 32;

    public static final int TASKSTATS_CMD_GET = 1;
    public static final int TASKSTATS_CMD_NEW = 2;

    public static final int TASKSTATS_TYPE_PID = 1;
    public static final int TASKSTATS_TYPE_TGID = 2;
    public static final int TASKSTATS_TYPE_STATS = 3;
    public static final int TASKSTATS_TYPE_AGGR_PID = 4;
    public static final int TASKSTATS_TYPE_AGGR_TGID = 5;
    public static final int TASKSTATS_TYPE_NULL = 6;

    public static final int TASKSTATS_CMD_ATTR_PID = 1;
    public static final int TASKSTATS_CMD_ATTR_TGID = 2;
    public static final int TASKSTATS_CMD_ATTR_REGISTER_CPUMASK = 3;
    public static final int TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK = 4;

    /** {@code ac_flag} bits ({@code <linux/acct.h>}). */
    public static final int AFORK = 0x01;
    public static final int ASU = 0x02;
    public static final int ACORE = 0x08;
    public static final int AXSIG = 0x10;
    /** The last thread of its group: set on a task's exit record when its thread group died with it (version 12+). */
    public static final int AGROUP = 0x20;

    private Taskstats() {}
}
