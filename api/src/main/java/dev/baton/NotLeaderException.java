package dev.baton;

/**
 * Thrown when work that must run on the leader is attempted on a participant that does not lead: a
 * {@link Leader}-guarded call whose return type cannot be skipped, or a {@link LeaderElection#runWhileLeader}
 * task whose leadership ended.
 */
public class NotLeaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String group;

    /**
     * @param group the group that this participant does not lead
     * @param message what was refused
     */
    public NotLeaderException(String group, String message) {
        super(message);
        this.group = group;
    }

    /** @return the group this participant does not lead */
    public String group() {
        return group;
    }
}
