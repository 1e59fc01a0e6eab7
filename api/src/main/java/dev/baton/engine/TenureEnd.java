package dev.baton.engine;

import dev.baton.ChangeCause;

/**
 * Why a tenure ends, and what follows from it: the cause announced, whether the lease is given back, and how long the
 * participant stays out of the race. One table for every way a tenure can end, read by {@link GroupElection} when a
 * tenure ends and tested as a table ({@code PhaseTest}).
 */
enum TenureEnd {
    /** {@code stepDown()}: give it up and stay out long enough for another participant to take over. */
    STEP_DOWN(ChangeCause.RELEASED, ChangeCause.RELEASED, true, BackOff.STEP_DOWN),
    /** {@code LeaderElection.close()}: leave this group; it competes no more, so no back-off. */
    LEAVE(ChangeCause.RELEASED, ChangeCause.RELEASED, true, BackOff.NONE),
    /** {@code Baton.close()}. */
    SHUTDOWN(ChangeCause.SHUTDOWN, ChangeCause.SHUTDOWN, true, BackOff.NONE),
    /** A renewal named another holder (or none): nothing of ours to release, compete again at once. */
    LOST(ChangeCause.LOST_TO_ANOTHER, ChangeCause.LOST_TO_ANOTHER, false, BackOff.NONE),
    /**
     * The local deadline passed unconfirmed: {@code EXPIRED}, or {@code BACKEND_UNAVAILABLE} when the last calls
     * failed. Released in case the store still holds it; backed off so a failing participant does not win it straight
     * back from a healthy follower.
     */
    DEADLINE(ChangeCause.EXPIRED, ChangeCause.BACKEND_UNAVAILABLE, true, BackOff.RENEW_INTERVAL),
    /** A store call failed with a {@link VirtualMachineError}: ended at once, like a deadline with a failing store. */
    FATAL_ERROR(ChangeCause.BACKEND_UNAVAILABLE, ChangeCause.BACKEND_UNAVAILABLE, true, BackOff.RENEW_INTERVAL);

    /** How long a participant stays out of the race after a tenure ended. */
    enum BackOff {
        /** Not at all. */
        NONE,
        /** One renew interval. */
        RENEW_INTERVAL,
        /** As {@code stepDown()} documents: one renew interval with a watch, a ttl more without. */
        STEP_DOWN
    }

    private final ChangeCause whenAnswering;
    private final ChangeCause whenFailing;
    private final boolean releases;
    private final BackOff backOff;

    TenureEnd(ChangeCause whenAnswering, ChangeCause whenFailing, boolean releases, BackOff backOff) {
        this.whenAnswering = whenAnswering;
        this.whenFailing = whenFailing;
        this.releases = releases;
        this.backOff = backOff;
    }

    /**
     * @param storeFailing whether the store's last calls failed
     * @return the cause announced
     */
    ChangeCause cause(boolean storeFailing) {
        return storeFailing ? whenFailing : whenAnswering;
    }

    /** @return whether the token is given back to the store */
    boolean releases() {
        return releases;
    }

    /**
     * @return whether the participant gives leadership up on purpose while its lease is valid (step-down, leave,
     *     close): a graceful handover, whose release a follower may be waiting for now
     */
    boolean handsOver() {
        return this == STEP_DOWN || this == LEAVE || this == SHUTDOWN;
    }

    /** @return the back-off that follows */
    BackOff backOff() {
        return backOff;
    }
}
