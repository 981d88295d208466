package io.upcall.core.acct;

import io.upcall.core.channel.Channel;
import io.upcall.core.channel.ChannelOptions;

/**
 * What to account.
 *
 * @param uid           keep only records of this user id ({@link #ANY}: all)
 * @param comm          keep only records whose command name ({@code ac_comm}) is this (null: all)
 * @param threads       also a record per thread as each exits ({@code thread_exit}), besides the group's at its end
 * @param receiveBuffer bytes of socket receive buffer to ask for (the kernel doubles it)
 */
public record AcctOptions(long uid, String comm, boolean threads, int receiveBuffer) implements ChannelOptions {
    /** No selection by user. */
    public static final long ANY = -1;

    public AcctOptions {
        if (uid < ANY || uid > 0xffff_ffffL) {
            throw new IllegalArgumentException("uid " + uid + " is not a user id (0..4294967295)");
        }
        ChannelOptions.checkReceiveBuffer(receiveBuffer);
    }

    public static AcctOptions defaults() {
        return new AcctOptions(ANY, null, false, DEFAULT_RECEIVE_BUFFER);
    }

    @Override
    public Channel<?> channel() {
        return AcctChannel.INSTANCE;
    }

    @Override
    public AcctOptions withReceiveBuffer(int bytes) {
        return new AcctOptions(uid, comm, threads, bytes);
    }

    boolean keeps(AcctEvent e) {
        return (uid == ANY || e.uid() == uid) && (comm == null || comm.equals(e.stats().comm()));
    }
}
