package io.upcall.protocol.netlink;

/**
 * Constants and layout of {@code <linux/netlink.h>}.
 *
 * <pre>{@code
 * struct nlmsghdr {
 *     __u32 nlmsg_len;    // 0: length of message including header
 *     __u16 nlmsg_type;   // 4
 *     __u16 nlmsg_flags;  // 6
 *     __u32 nlmsg_seq;    // 8
 *     __u32 nlmsg_pid;    // 12: sending process port id
 * };
 * struct nlattr { __u16 nla_len; __u16 nla_type; };
 * }</pre>
 */
public final class Netlink {
    public static final int NLMSG_ALIGNTO = 4;
    public static final int NLMSG_HDRLEN = 16;
    public static final int NLA_HDRLEN = 4;

    public static final int NLMSG_NOOP = 0x1;
    public static final int NLMSG_ERROR = 0x2;
    public static final int NLMSG_DONE = 0x3;
    public static final int NLMSG_OVERRUN = 0x4;

    public static final int NLM_F_REQUEST = 0x01;
    public static final int NLM_F_MULTI = 0x02;
    public static final int NLM_F_ACK = 0x04;

    public static final int NLA_F_NESTED = 1 << 15;
    public static final int NLA_F_NET_BYTEORDER = 1 << 14;
    public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

    private Netlink() {}

    /** {@code NLMSG_ALIGN(len)} (also {@code NLA_ALIGN}: both align to 4). */
    public static long align(long length) {
        return (length + NLMSG_ALIGNTO - 1) & ~(long) (NLMSG_ALIGNTO - 1);
    }
}
