package dev.baton.cdi.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Waits scaled by {@code baton.test.timing-multiple} (default 1), so slow machines can raise every bound at once. */
public final class Waits {
    private Waits() {}

    /** @return the multiple set on the command line, at least 1 */
    public static double multiple() {
        try {
            return Math.max(1, Double.parseDouble(System.getProperty("baton.test.timing-multiple", "1")));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /**
     * @param d a bound
     * @return the bound times the timing multiple
     */
    public static Duration scaled(Duration d) {
        return Duration.ofMillis((long) (d.toMillis() * multiple()));
    }

    /** The usual bound for something that must happen "soon" (elections with a 2 s ttl). */
    public static Duration soon() {
        return scaled(Duration.ofSeconds(10));
    }

    /**
     * @param latch a latch
     * @param what what we wait for, for the failure message
     */
    public static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(soon().toMillis(), TimeUnit.MILLISECONDS), "timed out waiting for " + what);
    }

    /**
     * Takes elements until one matches.
     *
     * @param queue where events arrive
     * @param match the element wanted
     * @param what for the failure message
     * @return the matching element
     */
    public static <T> T poll(BlockingQueue<T> queue, Predicate<T> match, String what) throws InterruptedException {
        long end = System.nanoTime() + soon().toNanos();
        while (true) {
            long left = end - System.nanoTime();
            T t = queue.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (t == null) {
                fail("timed out waiting for " + what);
            }
            if (match.test(t)) {
                return t;
            }
        }
    }

    /**
     * Polls a time-based condition (e.g. expiry) until it holds, with a deadline.
     *
     * @param condition the condition
     * @param what for the failure message
     */
    public static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + soon().toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20); // polling a clock-driven state, not synchronizing with a thread
        }
    }
}
