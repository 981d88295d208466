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
 * @param jobs          whether a job record per session joins the exit records ({@link SessionJobs}: the stream needs
 *                      the proc channel's {@code fork} and {@code sid} events too), or replaces them
 */
public record AcctOptions(long uid, String comm, boolean threads, int receiveBuffer, Jobs jobs) implements ChannelOptions {
    /** No selection by user. */
    public static final long ANY = -1;

    /** Job records per session in the stream: none, beside the exit records, or instead of them. */
    public enum Jobs { NONE, WITH, ONLY }

    /** Exit records only, no job records. */
    public AcctOptions(long uid, String comm, boolean threads, int receiveBuffer) {
        this(uid, comm, threads, receiveBuffer, Jobs.NONE);
    }

    public AcctOptions {
        java.util.Objects.requireNonNull(jobs);
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
        return new AcctOptions(uid, comm, threads, bytes, jobs);
    }

    /** These options with job records per session ({@link Jobs#WITH} or {@link Jobs#ONLY}), or without. */
    public AcctOptions withJobs(Jobs which) {
        return new AcctOptions(uid, comm, threads, receiveBuffer, which);
    }

    /**
     * Whether the decoder keeps a record: with jobs, every one (a job sums its members' whatever their user or
     * command; {@link SessionJobs} applies the selection after).
     */
    boolean decoderKeeps(AcctEvent e) {
        return jobs != Jobs.NONE || keeps(e);
    }

    boolean keeps(AcctEvent e) {
        return (uid == ANY || e.uid() == uid) && (comm == null || comm.equals(e.stats().comm()));
    }
}
