package dev.baton.metrics.micrometer;

/**
 * How long this participant has led one group, summed over its terms, counting the current term up to now. Fed by
 * role changes on Baton's event thread, read by the registry on its own threads.
 */
final class LeadingClock {
    private long totalNanos;
    private long since;
    private boolean leading;

    synchronized void started(long nanos) {
        if (!leading) {
            leading = true;
            since = nanos;
        }
    }

    synchronized void ended(long nanos) {
        if (leading) {
            leading = false;
            totalNanos += nanos - since;
        }
    }

    synchronized double seconds(long now) {
        long nanos = totalNanos + (leading ? now - since : 0);
        return nanos / 1e9;
    }
}
