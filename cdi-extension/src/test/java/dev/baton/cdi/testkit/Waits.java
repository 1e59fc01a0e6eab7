package dev.baton.cdi.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits scaled by {@code baton.test.timing-multiple} (default 1), so slow machines can raise every bound at once. A
 * local copy of the TCK's {@code Timing}/{@code Await} (this module does not depend on the TCK).
 *
 * <p>Every wait here ends as soon as its condition holds: the bounds only cost time when a test fails, so they are
 * generous (a busy CI machine may be several times slower). Nothing here sleeps to let another thread "catch up";
 * {@link #until} polls a condition and never succeeds on time alone.
 */
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

    /**
     * The usual bound for something that must happen "soon": an election, a handover on release, an event delivery,
     * a state that follows from a short ttl. Such things take milliseconds to a couple of seconds; 30 s (scaled)
     * leaves room for a machine many times slower than usual.
     */
    public static Duration soon() {
        return scaled(Duration.ofSeconds(30));
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
        untilPresent(() -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(), what);
    }

    /**
     * Polls until the supplier returns a value, so that a test can act on the very observation that ended the wait
     * (rather than asking again, when the answer may have changed).
     *
     * @param supplier asked repeatedly (on the calling thread) until it returns a value
     * @param what for the failure message
     * @return the first value the supplier returned
     */
    public static <T> T untilPresent(Supplier<Optional<T>> supplier, String what) throws InterruptedException {
        long end = System.nanoTime() + soon().toNanos();
        while (true) {
            // The condition is evaluated once more after the deadline, so a starved test thread still sees the state.
            Optional<T> value = supplier.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - end > 0) {
                return fail("timed out after " + soon().toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(20); // polling interval of a state with no event to wait for, not synchronisation
        }
    }
}
