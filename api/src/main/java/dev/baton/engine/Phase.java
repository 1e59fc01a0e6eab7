package dev.baton.engine;

/**
 * The phase of one group's election on this participant, and the pure rules that pick its next step and the phase a
 * tenure's end leads to. {@link GroupElection} keeps the state (under its lock) and asks these rules; nothing here
 * reads a clock or calls a store, so the rules are tested as a table ({@code PhaseTest}).
 *
 * <p>The order of the rules is the engine's priority: release a pending token, else renew while leading, else acquire
 * once any back-off is over.
 */
enum Phase {
    /** Competing without a grant: the next step tries to acquire. */
    FOLLOWING,
    /** Competing without a grant, but not before a back-off ends (after a step-down or a lost tenure). */
    BACKING_OFF,
    /** Holding a grant: the next step renews it, or ends the tenure when its local deadline has passed. */
    LEADING,
    /** A token is to be given back: the next step releases it, before anything else. */
    RELEASING,
    /** Not competing and nothing to give back: no step. */
    STOPPED;

    /** What the next step of the chain does. */
    enum Step {
        /** Call the store's release for the pending token. */
        RELEASE,
        /** End the tenure at its passed local deadline (announced, released), without a store call. */
        END_TERM,
        /** Call the store's renew for the grant. */
        RENEW,
        /** Call the store's acquire (reading first after a failed call). */
        ACQUIRE,
        /** Wait until the back-off ends. */
        WAIT,
        /** Nothing to do. */
        NONE
    }

    /**
     * @param releasePending a token waits to be released
     * @param holdsGrant a grant is held (valid or not: its deadline is the step's business)
     * @param competing the group is not being stopped
     * @param backingOff the back-off after a step-down or a lost tenure has not ended yet
     * @return the phase of that state
     */
    static Phase of(boolean releasePending, boolean holdsGrant, boolean competing, boolean backingOff) {
        if (releasePending) {
            return RELEASING;
        }
        if (holdsGrant) {
            return LEADING;
        }
        if (!competing) {
            return STOPPED;
        }
        return backingOff ? BACKING_OFF : FOLLOWING;
    }

    /**
     * @param pastDeadline the grant's local deadline has passed (only read while {@link #LEADING})
     * @return what the next step does in this phase
     */
    Step nextStep(boolean pastDeadline) {
        return switch (this) {
            case RELEASING -> Step.RELEASE;
            case LEADING -> pastDeadline ? Step.END_TERM : Step.RENEW;
            case FOLLOWING -> Step.ACQUIRE;
            case BACKING_OFF -> Step.WAIT;
            case STOPPED -> Step.NONE;
        };
    }

    /**
     * The phase right after a tenure ended: giving the token back comes first; then a back-off, if the end asks for
     * one; a participant that is stopping competes no more.
     *
     * @param end why the tenure ended
     * @param competing whether the group still competes
     * @return the phase the election is in once the tenure ended
     */
    static Phase afterTenureEnd(TenureEnd end, boolean competing) {
        return of(end.releases(), false, competing, end.backOff() != TenureEnd.BackOff.NONE);
    }
}
