package io.upcall.protocol.genl;

import io.upcall.protocol.netlink.Netlink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds generic netlink requests: a netlink header, a {@code genlmsghdr}, and one attribute. */
public final class GenlEncoder {
    private GenlEncoder() {}

    /** {@code CTRL_CMD_GETFAMILY} by {@code CTRL_ATTR_FAMILY_NAME}. */
    public static byte[] getFamily(String name, int seq) {
        return request(Genl.GENL_ID_CTRL, 0, Genl.CTRL_CMD_GETFAMILY, Genl.CTRL_VERSION, Genl.CTRL_ATTR_FAMILY_NAME,
                cString(name), seq);
    }

    /**
     * A request to family {@code familyId}: command {@code cmd} with one attribute {@code attrType} = {@code value}.
     * @param flags netlink flags besides {@code NLM_F_REQUEST} (e.g. {@link Netlink#NLM_F_ACK})
     */
    public static byte[] request(int familyId, int flags, int cmd, int version, int attrType, byte[] value, int seq) {
        int attrLength = Netlink.NLA_HDRLEN + value.length;
        int total = Netlink.NLMSG_HDRLEN + Genl.GENL_HDRLEN + (int) Netlink.align(attrLength);
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
        b.putInt(total).putShort((short) familyId).putShort((short) (Netlink.NLM_F_REQUEST | flags)).putInt(seq).putInt(0);
        b.put((byte) cmd).put((byte) version).putShort((short) 0);
        b.putShort((short) attrLength).putShort((short) attrType).put(value);
        return b.array();
    }

    /** The bytes of {@code s} and a terminating NUL, as string attributes carry them. */
    public static byte[] cString(String s) {
        byte[] text = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[text.length + 1];
        System.arraycopy(text, 0, out, 0, text.length);
        return out;
    }
}
