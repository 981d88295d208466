package io.upcall.protocol.audit;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A SOCKADDR record's {@code saddr}: the socket address a {@code connect}, {@code bind}, {@code sendto} ... was given,
 * as hex of the struct the caller passed:
 * <pre>{@code
 * struct sockaddr_in  { sa_family_t sin_family; __be16 sin_port; struct in_addr sin_addr; ... };          // AF_INET 2
 * struct sockaddr_in6 { sa_family_t sin6_family; __be16 sin6_port; __be32 sin6_flowinfo;
 *                       struct in6_addr sin6_addr; __u32 sin6_scope_id; };                             // AF_INET6 10
 * struct sockaddr_un  { sa_family_t sun_family; char sun_path[108]; };  // AF_UNIX 1; sun_path[0] == 0: abstract
 * struct sockaddr_nl  { sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid; __u32 nl_groups; }; // AF_NETLINK 16
 * }</pre>
 * {@code sa_family_t} is host order (little-endian here), ports big-endian. Never throws: text that is not hex, or a
 * struct too short for its family, gives what could be read ({@link #malformed}).
 *
 * @param family    {@code inet}, {@code inet6}, {@code unix}, {@code netlink}, or the number for another family; null
 *                  when not even the family could be read
 * @param address   the IP address (IPv6 compressed as RFC 5952 writes it), or null
 * @param port      the port, or -1
 * @param path      a Unix socket's path; an abstract name starts with {@code @}; or null
 * @param pid       a netlink address's port id, or -1
 * @param groups    a netlink address's multicast groups, or -1
 * @param malformed why the value could not be read whole, or null
 */
public record AuditSockaddr(String family, String address, int port, String path, long pid, long groups,
        String malformed) {
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;

    /** Decodes {@code saddr}'s hex. */
    public static AuditSockaddr decode(String hex) {
        byte[] b;
        try {
            b = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            return new AuditSockaddr(null, null, -1, null, -1, -1, "not hex");
        }
        if (b.length < 2) {
            return new AuditSockaddr(null, null, -1, null, -1, -1, "shorter than sa_family_t");
        }
        int family = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        return switch (family) {
            case AF_INET -> b.length < 8 ? shortFor("inet", 8, b.length)
                    : new AuditSockaddr("inet", (b[4] & 0xff) + "." + (b[5] & 0xff) + "." + (b[6] & 0xff) + "."
                            + (b[7] & 0xff), port(b), null, -1, -1, null);
            case AF_INET6 -> b.length < 24 ? shortFor("inet6", 24, b.length)
                    : new AuditSockaddr("inet6", ipv6(b, 8), port(b), null, -1, -1, null);
            case AF_UNIX -> new AuditSockaddr("unix", null, -1, unixPath(b), -1, -1, null);
            case AF_NETLINK -> b.length < 12 ? shortFor("netlink", 12, b.length)
                    : new AuditSockaddr("netlink", null, -1, null, u32(b, 4), u32(b, 8), null);
            default -> new AuditSockaddr(Integer.toString(family), null, -1, null, -1, -1, null);
        };
    }

    private static AuditSockaddr shortFor(String family, int need, int have) {
        return new AuditSockaddr(family, null, -1, null, -1, -1, have + " bytes, the address needs " + need);
    }

    private static int port(byte[] b) {
        return (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    /** A path up to its NUL; an abstract name (leading NUL) is the whole rest, written {@code @name} as ss does. */
    private static String unixPath(byte[] b) {
        if (b.length <= 2) {
            return ""; // unnamed (autobind)
        }
        if (b[2] == 0) {
            return "@" + new String(b, 3, b.length - 3, StandardCharsets.UTF_8);
        }
        int end = 2;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 2, end - 2, StandardCharsets.UTF_8);
    }

    /** RFC 5952: lower-case hex groups without leading zeros, the longest run (two or more) of zero groups as ::. */
    static String ipv6(byte[] b, int at) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[at + 2 * i] & 0xff) << 8 | (b[at + 2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
