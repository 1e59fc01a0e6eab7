package dev.baton;

/** Why a participant's role in a group changed; carried by {@link LeadershipChanged}. */
public enum ChangeCause {
    /** The store committed a grant to this participant. */
    ACQUIRED,
    /**
     * This participant gave leadership up on purpose: {@link LeaderElection#stepDown()}, or it left the group
     * ({@link LeaderElection#close()}).
     */
    RELEASED,
    /**
     * The local deadline of the grant passed before a renewal confirmed it, without the backend reporting an
     * error (for example the process was paused or its scheduler starved).
     */
    EXPIRED,
    /** A renewal found that the store no longer holds this participant's grant: another holder may lead. */
    LOST_TO_ANOTHER,
    /**
     * Renewals failed (errors or timeouts) until the local deadline passed; or, at once, a store call failed with a
     * {@link VirtualMachineError} (out of memory, stack overflow), which Baton then rethrows.
     */
    BACKEND_UNAVAILABLE,
    /** The application is shutting down; the lease was released so another participant can take over. */
    SHUTDOWN
}
