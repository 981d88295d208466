package io.upcall.protocol.genl;

/**
 * Constants and layout of {@code <linux/genetlink.h>}: every generic netlink message is a netlink header, this
 * 4-byte header, then attributes. Families get their message type (the family id) when they register, so it
 * differs from boot to boot and is asked of the controller ({@code GENL_ID_CTRL}) by name.
 *
 * <pre>{@code
 * struct genlmsghdr {
 *     __u8  cmd;       // 0
 *     __u8  version;   // 1
 *     __u16 reserved;  // 2
 * };
 * }</pre>
 */
public final class Genl {
    public static final int GENL_HDRLEN = 4;
    /** The controller's fixed family id ({@code NLMSG_MIN_TYPE}). */
    public static final int GENL_ID_CTRL = 0x10;

    public static final int CTRL_CMD_NEWFAMILY = 1;
    public static final int CTRL_CMD_DELFAMILY = 2;
    public static final int CTRL_CMD_GETFAMILY = 3;

    public static final int CTRL_ATTR_FAMILY_ID = 1;
    public static final int CTRL_ATTR_FAMILY_NAME = 2;
    public static final int CTRL_ATTR_VERSION = 3;
    public static final int CTRL_ATTR_HDRSIZE = 4;
    public static final int CTRL_ATTR_MAXATTR = 5;
    public static final int CTRL_ATTR_OPS = 6;
    public static final int CTRL_ATTR_MCAST_GROUPS = 7;

    public static final int CTRL_ATTR_MCAST_GRP_NAME = 1;
    public static final int CTRL_ATTR_MCAST_GRP_ID = 2;

    /** The controller's own version, as {@code genl_ctrl} declares it. */
    public static final int CTRL_VERSION = 2;

    private Genl() {}
}
