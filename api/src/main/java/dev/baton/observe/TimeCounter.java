package dev.baton.observe;

/**
 * The time a condition held, summed over every stretch and counting the current one up to now: the metrics
 * adapters' "time spent leading" (fed by role changes on Baton's event thread) and "time without a known leader"
 * (fed by {@link ElectionObserver#leaderSeen}), read by a metrics registry on its own threads. Times are
 * {@link System#nanoTime()} values.
 */
public final class TimeCounter {
    private long totalNanos;
    private long since;
    private boolean holding;

    /** A counter at zero, the condition not holding. */
    public TimeCounter() {}

    /** @param nanos when the condition started to hold (ignored while it already holds) */
    public synchronized void started(long nanos) {
        if (!holding) {
            holding = true;
            since = nanos;
        }
    }

    /** @param nanos when the condition stopped holding (ignored while it does not hold) */
    public synchronized void ended(long nanos) {
        if (holding) {
            holding = false;
            totalNanos += nanos - since;
        }
    }

    /**
     * @param holds whether the condition holds from now on
     * @param nanos now
     */
    public void set(boolean holds, long nanos) {
        if (holds) {
            started(nanos);
        } else {
            ended(nanos);
        }
    }

    /**
     * @param now the time to count up to
     * @return the seconds the condition held
     */
    public synchronized double seconds(long now) {
        long nanos = totalNanos + (holding ? now - since : 0);
        return nanos / 1e9;
    }
}
