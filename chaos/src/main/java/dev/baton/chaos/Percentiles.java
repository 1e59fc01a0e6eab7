package dev.baton.chaos;

import java.util.Collection;

/**
 * Median, 99th percentile and maximum of a sample (nearest-rank), in milliseconds.
 *
 * @param count the sample size
 * @param medianMillis the median
 * @param p99Millis the 99th percentile
 * @param maxMillis the maximum
 */
public record Percentiles(int count, double medianMillis, double p99Millis, double maxMillis) {

    /**
     * @param nanos the sample in nanoseconds
     * @return its percentiles; all zero for an empty sample
     */
    public static Percentiles ofNanos(Collection<Long> nanos) {
        if (nanos.isEmpty()) {
            return new Percentiles(0, 0, 0, 0);
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Percentiles(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    }

    private static double rank(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    @Override
    public String toString() {
        if (count == 0) {
            return "n=0";
        }
        return String.format(java.util.Locale.ROOT, "n=%d median=%.0f ms p99=%.0f ms max=%.0f ms",
                count, medianMillis, p99Millis, maxMillis);
    }
}
