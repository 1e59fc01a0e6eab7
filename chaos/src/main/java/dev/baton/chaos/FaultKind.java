package dev.baton.chaos;

/**
 * The faults a chaos run injects, and how the checker bounds what follows each one.
 */
public enum FaultKind {
    /** {@code kill -9} of the leader; restarted (as a new incarnation) one second later. */
    KILL_LEADER(Scope.LEADER, false, false, "kill -9 of the leader, restarted 1 s later"),
    /** SIGTERM of the leader: Baton's graceful shutdown releases the lease; restarted at once. */
    STOP_LEADER(Scope.LEADER, false, false, "graceful shutdown (SIGTERM) of the leader, restarted"),
    /**
     * SIGSTOP of the leader for longer than the lease and until another participant leads (bounded), then SIGCONT:
     * the stale leader wakes up after it was replaced.
     */
    PAUSE_LEADER(Scope.LEADER, false, false, "SIGSTOP of the leader for ttl + 1 s and until another leads, then SIGCONT"),
    /** The leader's connections to the backend reset and refused for longer than the lease. */
    CUT_LEADER(Scope.LEADER, true, false, "leader's backend connections reset and refused for ttl + 1 s"),
    /** The leader's connections stay open but carry nothing for longer than the lease (a partition). */
    PARTITION_LEADER(Scope.LEADER, true, false, "leader's backend connections blackholed for ttl + 1 s"),
    /** Every byte between the leader and the backend delayed (a slow link); leadership may survive it. */
    DELAY_LEADER(Scope.SLOW, true, false, "leader's backend link given 100-300 ms of latency each way for 3 s"),
    /** The backend server killed with SIGKILL and restarted after 0.5-3 s. */
    KILL_SERVER(Scope.SERVER, false, true, "backend server kill -9, restarted 0.5-3 s later"),
    /** The backend server frozen (SIGSTOP) for longer than the lease, then SIGCONT. */
    PAUSE_SERVER(Scope.SERVER, false, true, "backend server SIGSTOP for ttl + 1 s, then SIGCONT"),
    /**
     * {@code kill -9} of a participant that does not lead, restarted one second later: only where the participants
     * are the store (raft), where it takes a member away, possibly the Raft leader.
     */
    KILL_MEMBER(Scope.SERVER, "kill -9 of a participant that does not lead (a store member), restarted 1 s later"),
    /**
     * SIGSTOP of a participant that does not lead for ttl + 1 s, then SIGCONT: only where the participants are the
     * store (raft); when it was the Raft leader, it wakes up deposed.
     */
    PAUSE_MEMBER(Scope.SERVER, "SIGSTOP of a participant that does not lead (a store member) for ttl + 1 s, then SIGCONT");

    /** What a fault hits, which decides how the checker measures recovery. */
    public enum Scope {
        /** The leader loses leadership: a new token must lead within ttl + constant of the fault. */
        LEADER,
        /** The leader is slowed: some participant must lead with no gap longer than ttl + constant. */
        SLOW,
        /**
         * The backend is down or lost a member: some participant must lead within ttl + server constant of the heal.
         */
        SERVER
    }

    private final Scope scope;
    private final boolean needsProxy;
    private final boolean needsServer;
    private final boolean needsMembers;
    private final String description;

    FaultKind(Scope scope, boolean needsProxy, boolean needsServer, String description) {
        this.scope = scope;
        this.needsProxy = needsProxy;
        this.needsServer = needsServer;
        this.needsMembers = false;
        this.description = description;
    }

    /** A fault on the store's members, where the participants are the store. */
    FaultKind(Scope scope, String description) {
        this.scope = scope;
        this.needsProxy = false;
        this.needsServer = false;
        this.needsMembers = true;
        this.description = description;
    }

    /** @return what the fault hits */
    public Scope scope() {
        return scope;
    }

    /** @return true when it needs a TCP proxy between participants and a network backend */
    public boolean needsProxy() {
        return needsProxy;
    }

    /** @return true when it needs a backend server process */
    public boolean needsServer() {
        return needsServer;
    }

    /** @return true when it hits a participant as a member of the store ({@link ChaosBackend#participantsAreTheStore()}) */
    public boolean needsMembers() {
        return needsMembers;
    }

    /** @return one line for reports */
    public String description() {
        return description;
    }
}
