package dev.baton.engine;

/**
 * The timer that fires at a grant's local deadline, for a group's tenure and a one-off lease alike: the owner then
 * announces the end if renewals did not confirm the grant in time, whatever its renewal path is doing (a call may hang
 * far past the deadline). {@code isLeader()}/{@code isValid()} never wait for this timer: they compare the deadline
 * with the clock on every call; the timer only makes the end heard on time.
 *
 * <p>Not thread-safe: used under its owner's lock.
 */
final class DeadlineCheck {
    private final Scheduler scheduler;
    private Scheduler.Cancellable pending;

    DeadlineCheck(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Replaces any pending check by one at {@code deadlineNanos}.
     *
     * @param deadlineNanos the local deadline on the scheduler's clock
     * @param check run on a scheduler thread at the deadline; it takes the owner's lock and checks again (a renewal
     *     may have extended the grant meanwhile, and then it calls this method anew)
     */
    void at(long deadlineNanos, Runnable check) {
        cancel();
        pending = scheduler.schedule(check, deadlineNanos - scheduler.nanoTime());
    }

    /** Cancels the pending check, if any: the grant ended by other means. */
    void cancel() {
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
    }
}
