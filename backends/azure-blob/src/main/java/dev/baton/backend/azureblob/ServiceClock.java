package dev.baton.backend.azureblob;

import java.util.concurrent.TimeUnit;

/**
 * Where the storage service's clock stands, learned from the {@code Date} header of every response, for followers'
 * wake-ups only. A {@code Date} has whole seconds, so one response says little: the service's clock read {@code D}
 * (that is, between {@code D} and {@code D + 1 s}) at some instant between sending the request and receiving the
 * answer. Each response therefore bounds the offset between the service's clock and this JVM's monotonic clock from
 * both sides, and the bounds of many responses, taken at different phases of the second, narrow the offset down to
 * about a round trip. Bounds widen with their age by {@link #DRIFT_PER_NANO} (clock-rate differences); when two
 * responses contradict each other (the service's clock was stepped) the older bounds are dropped.
 *
 * <p>This is never used to decide whether a lease has expired: that is decided by comparing a lease's expiry with
 * the {@code Date} of the very response that read it. It only tells a follower when to ask again so that the answer
 * is likely "expired" (never much later than the service's second boundary), instead of up to a second later.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
final class ServiceClock {
    /** Clock-rate difference assumed between this host and the service: 200 ppm, far above NTP-disciplined clocks. */
    static final double DRIFT_PER_NANO = 200e-6;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** Bounds of (service epoch nanos - local nanoTime), valid at local time {@link #at}. */
    private long low;
    private long high;
    private long at;
    private boolean known;

    /**
     * Records one response.
     *
     * @param sentNanos {@link System#nanoTime()} just before the request was sent
     * @param receivedNanos {@link System#nanoTime()} just after the answer arrived
     * @param dateSeconds the response's {@code Date}, in seconds since the epoch
     */
    synchronized void observe(long sentNanos, long receivedNanos, long dateSeconds) {
        long sampleLow = dateSeconds * SECOND - receivedNanos; // the service read at least D when the answer came
        long sampleHigh = (dateSeconds + 1) * SECOND - sentNanos; // and less than D + 1 s when the request left
        if (known) {
            // The bounds so far, widened for their age, and this response's: keep the tighter of each.
            long newLow = Math.max(aged(low, receivedNanos, -1), sampleLow);
            long newHigh = Math.min(aged(high, receivedNanos, 1), sampleHigh);
            if (newLow <= newHigh) {
                low = newLow;
                high = newHigh;
                at = receivedNanos;
                return;
            }
            // A contradiction: the service's clock was stepped. Start again from this response.
        }
        low = sampleLow;
        high = sampleHigh;
        at = receivedNanos;
        known = true;
    }

    /**
     * @param serviceMillis an instant on the service's clock
     * @param nowNanos {@link System#nanoTime()} now
     * @return the local {@link System#nanoTime()} by which the service's clock has surely reached it
     */
    synchronized long surelyReached(long serviceMillis, long nowNanos) {
        return TimeUnit.MILLISECONDS.toNanos(serviceMillis) - aged(low, nowNanos, -1);
    }

    /**
     * @param serviceMillis an instant on the service's clock
     * @param nowNanos {@link System#nanoTime()} now
     * @return the earliest local {@link System#nanoTime()} at which the service's clock may reach it
     */
    synchronized long mayHaveReached(long serviceMillis, long nowNanos) {
        return TimeUnit.MILLISECONDS.toNanos(serviceMillis) - aged(high, nowNanos, 1);
    }

    /** A bound widened for its age: {@code direction} -1 lowers a lower bound, +1 raises an upper bound. */
    private long aged(long bound, long nowNanos, int direction) {
        long age = Math.max(0, nowNanos - at);
        return bound + direction * (long) (age * DRIFT_PER_NANO);
    }
}
