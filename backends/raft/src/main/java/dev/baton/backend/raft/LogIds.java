package dev.baton.backend.raft;

/**
 * The stable ids of the Raft backend's log lines ({@code BATON-RAFT-0001} to {@code 0099}); never reused for another
 * meaning. The README lists every family of ids.
 */
final class LogIds {
    /** A lease watch callback threw (WARNING). */
    static final String WATCH_CALLBACK_FAILED = "BATON-RAFT-0001";
    /** The Raft leader could not propose the expiry of a lease whose timer ran out; it tries again (WARNING). */
    static final String EXPIRY_FAILED = "BATON-RAFT-0002";
    /** This member joined its Raft group (INFO): the members, the data directory. */
    static final String MEMBER_STARTED = "BATON-RAFT-0003";
    /** This member became the Raft leader, or stopped being it (INFO). */
    static final String ROLE_CHANGED = "BATON-RAFT-0004";

    /**
     * The group refused this member's join because its view still lists an earlier run of the same member (killed,
     * not yet suspected); the member tries again until the failure detector has removed it (INFO).
     */
    static final String JOIN_RETRIED = "BATON-RAFT-0005";

    /**
     * A member with a majority in its view has known no Raft leader for half the failure-detection timeout and asks
     * the view coordinator for a vote, or the coordinator runs one (INFO): see {@code LeaderWatchdog}.
     */
    static final String VOTE_ASKED = "BATON-RAFT-0006";

    private LogIds() {}
}
