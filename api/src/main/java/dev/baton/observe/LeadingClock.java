package dev.baton.observe;

/**
 * How long this participant has led one group, summed over its terms, counting the current term up to now: the
 * "time spent leading" of the metrics adapters. Fed by role changes on Baton's event thread, read by a metrics
 * registry on its own threads. Times are {@link System#nanoTime()} values.
 */
public final class LeadingClock {
    private long totalNanos;
    private long since;
    private boolean leading;

    /** A clock that has not led yet. */
    public LeadingClock() {}

    /** @param nanos when a term started */
    public synchronized void started(long nanos) {
        if (!leading) {
            leading = true;
            since = nanos;
        }
    }

    /** @param nanos when the term ended */
    public synchronized void ended(long nanos) {
        if (leading) {
            leading = false;
            totalNanos += nanos - since;
        }
    }

    /**
     * @param now the time to count up to
     * @return seconds spent leading
     */
    public synchronized double seconds(long now) {
        long nanos = totalNanos + (leading ? now - since : 0);
        return nanos / 1e9;
    }
}
