package dev.baton.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How two measures taken in pairs compare ({@code ours[i]} right after {@code theirs[i]}, at the same point of the
 * JVM's warm-up and of the machine's load): the ratio of their medians, with a 95 % interval from a bootstrap over the
 * pairs (2,000 resamples of whole pairs, a fixed seed so the same sample always prints the same interval), and in how
 * many pairs ours was the faster. A single run's ratio of medians over 15 handovers moved by ±10 % from run to run on
 * 2 cores; the interval says how far the sample at hand can be trusted, so "on par" and "faster" are not read from
 * noise.
 *
 * @param ratio median of ours ÷ median of theirs
 * @param low the interval's lower end
 * @param high its upper end
 * @param oursFaster pairs in which ours took less time
 * @param pairs the number of pairs
 */
record PairedRatio(double ratio, double low, double high, int oursFaster, int pairs) {
    private static final int RESAMPLES = 2000;

    /**
     * @param ours nanoseconds, one per pair
     * @param theirs nanoseconds, one per pair, in the same order
     * @return the comparison
     * @throws IllegalArgumentException when the two are not pairs (different sizes) or empty
     */
    static PairedRatio of(List<Long> ours, List<Long> theirs) {
        int n = ours.size();
        if (n == 0 || theirs.size() != n) {
            throw new IllegalArgumentException("paired samples need the same, non-zero size: " + n + " and "
                    + theirs.size());
        }
        long[] a = ours.stream().mapToLong(Long::longValue).toArray();
        long[] b = theirs.stream().mapToLong(Long::longValue).toArray();
        int faster = 0;
        for (int i = 0; i < n; i++) {
            if (a[i] < b[i]) {
                faster++;
            }
        }
        SplittableRandom random = new SplittableRandom(42);
        double[] ratios = new double[RESAMPLES];
        long[] ra = new long[n];
        long[] rb = new long[n];
        for (int r = 0; r < RESAMPLES; r++) {
            for (int i = 0; i < n; i++) {
                int pick = random.nextInt(n);
                ra[i] = a[pick];
                rb[i] = b[pick];
            }
            ratios[r] = median(ra) / median(rb);
        }
        Arrays.sort(ratios);
        return new PairedRatio(median(a.clone()) / median(b.clone()), ratios[(int) (RESAMPLES * 0.025)],
                ratios[(int) (RESAMPLES * 0.975) - 1], faster, n);
    }

    /** The median as the suite's tables give it (nearest rank, the lower middle of an even sample); sorts {@code v}. */
    private static double median(long[] v) {
        Arrays.sort(v);
        return v[(int) Math.ceil(0.5 * v.length) - 1];
    }

    /** @return e.g. {@code 1.01 (95 % interval 0.94–1.08; faster in 21 of 40 pairs)} */
    String cell() {
        return String.format(Locale.ROOT, "%.2f (95 %% interval %.2f–%.2f; faster in %d of %d pairs)", ratio, low,
                high, oursFaster, pairs);
    }
}
