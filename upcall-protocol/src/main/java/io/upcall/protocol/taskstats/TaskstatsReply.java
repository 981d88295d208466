package io.upcall.protocol.taskstats;

import java.util.List;

/**
 * One {@code TASKSTATS} message: at a task's exit ({@code TASKSTATS_CMD_NEW}) an {@code AGGR_PID} for the task and,
 * when its thread group died with it and had more than one thread, an {@code AGGR_TGID} for the group; as the
 * answer to a {@code TASKSTATS_CMD_GET}, the one asked for.
 *
 * @param command    {@code genlmsghdr.cmd}
 * @param aggregates in message order
 */
public record TaskstatsReply(int command, List<Aggregate> aggregates) {
    public TaskstatsReply {
        aggregates = List.copyOf(aggregates);
    }

    /**
     * {@code TASKSTATS_TYPE_AGGR_PID} (a task: {@code id} is its pid) or {@code TASKSTATS_TYPE_AGGR_TGID} (a thread
     * group: {@code id} is its tgid), each a nest of the id and a {@code struct taskstats}.
     */
    public record Aggregate(boolean threadGroup, int id, TaskStats stats) {}
}
