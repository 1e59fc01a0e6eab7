package dev.baton.engine;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether the store answers, kept apart from leadership (as Curator keeps connection state apart from its latch): a
 * run of failed calls, since when, the last error and the back-off before the next try. Elections and one-off leases
 * both read it; a tenure ends by its deadline, never because of this state alone.
 *
 * <p>Written by the owner's step (under the owner's lock); {@link #failing()}, {@link #unreachableFor} and
 * {@link #lastError()} may be read from any thread.
 */
final class BackendHealth {
    private final Scheduler clock;
    private int consecutiveFailures;
    private volatile boolean failing;
    private volatile long failingSinceNanos;
    private volatile String lastError;

    BackendHealth(Scheduler clock) {
        this.clock = clock;
    }

    /**
     * Records a failed call.
     *
     * @param e what the store threw
     * @return true for the first failure of a run (worth a warning; the next ones are not)
     */
    boolean failed(RuntimeException e) {
        if (!failing) {
            failingSinceNanos = clock.nanoTime();
            failing = true;
        }
        consecutiveFailures++;
        lastError = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        return consecutiveFailures == 1;
    }

    /**
     * An {@link Error} other than a {@link VirtualMachineError} from the store (a {@link LinkageError} of a driver, an
     * assertion): a failed call like any other, retried. A {@code VirtualMachineError} is never passed here: it ends
     * the tenure and is rethrown unwrapped.
     *
     * @param e what the store threw
     * @return the failure to record and retry
     */
    static IllegalStateException storeFailedWith(Error e) {
        return new IllegalStateException("the store failed with " + e, e);
    }

    /** Records an answered call: the run of failures is over. */
    void answered() {
        failing = false;
        consecutiveFailures = 0;
        lastError = null;
    }

    /** @return whether the last call failed */
    boolean failing() {
        return failing;
    }

    /** @return the failed calls in a row */
    int consecutiveFailures() {
        return consecutiveFailures;
    }

    /**
     * @param cap the longest back-off
     * @return the wait before the next try: exponential from 100 ms up to {@code cap}, with jitter
     */
    long retryDelay(Duration cap) {
        return Timing.retryDelay(consecutiveFailures, cap);
    }

    /** @return how long calls have been failing; zero while the store answers */
    Duration unreachableFor() {
        return failing ? Duration.ofNanos(clock.nanoTime() - failingSinceNanos) : Duration.ZERO;
    }

    /** @return the last failure's message while calls fail */
    Optional<String> lastError() {
        return failing ? Optional.ofNullable(lastError) : Optional.empty();
    }
}
