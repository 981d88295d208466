package io.upcall.protocol.genl;

import java.util.Map;

/**
 * A generic netlink family as the controller describes it ({@code CTRL_CMD_NEWFAMILY}).
 *
 * @param id              {@code CTRL_ATTR_FAMILY_ID}: the {@code nlmsg_type} of the family's messages on this boot
 * @param name            {@code CTRL_ATTR_FAMILY_NAME} ({@code TASKSTATS})
 * @param version         {@code CTRL_ATTR_VERSION}, or 0 when absent
 * @param multicastGroups {@code CTRL_ATTR_MCAST_GROUPS}: group name to group id
 */
public record GenlFamily(int id, String name, int version, Map<String, Integer> multicastGroups) {
    public GenlFamily {
        multicastGroups = Map.copyOf(multicastGroups);
    }
}
