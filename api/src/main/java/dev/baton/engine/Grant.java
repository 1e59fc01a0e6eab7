package dev.baton.engine;

import dev.baton.LeaderInfo;

/**
 * A grant this participant holds in a group: immutable, so that {@link GroupElection#isLeader()} reads one volatile
 * reference and the clock, and nothing else. A renewal makes a new instance with a later deadline; {@code epoch} and
 * {@code info} stay the same for the whole tenure (the stretch of leadership the grant belongs to).
 *
 * @param token the fencing token the store gave
 * @param deadlineNanos the local deadline on the scheduler's clock ({@link Timing#deadline}), trusted strictly
 *     before it
 * @param epoch the election's transition counter when the tenure began ({@link ElectionState}); a step's answer
 *     for another epoch is stale
 * @param info this participant as the store reported it at the grant
 */
record Grant(long token, long deadlineNanos, long epoch, LeaderInfo info) {

    /**
     * @param now the scheduler's time
     * @return whether the grant can be trusted at {@code now}: strictly before its local deadline
     */
    boolean validAt(long now) {
        return Timing.before(now, deadlineNanos);
    }

    /**
     * @param deadline a later local deadline a renewal confirmed
     * @return the same grant, trusted until {@code deadline}
     */
    Grant extendedTo(long deadline) {
        return new Grant(token, deadline, epoch, info);
    }
}
