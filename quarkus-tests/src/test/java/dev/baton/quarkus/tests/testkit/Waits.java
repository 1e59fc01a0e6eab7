package dev.baton.quarkus.tests.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded waits scaled by {@code baton.test.timing-multiple} (default 1), like cdi-extension's test kit: every wait
 * ends as soon as its condition holds, so the generous bounds only cost time when a test fails.
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

    /** @return the bound for something that must happen "soon" (an election, a handover, an event): 30 s, scaled */
    public static Duration soon() {
        return Duration.ofMillis((long) (30_000 * multiple()));
    }

    /**
     * @param queue where events arrive
     * @param what for the failure message
     * @return the next element
     */
    public static <T> T next(BlockingQueue<T> queue, String what) throws InterruptedException {
        T t = queue.poll(soon().toMillis(), TimeUnit.MILLISECONDS);
        if (t == null) {
            fail("timed out after " + soon().toMillis() + " ms waiting for " + what);
        }
        return t;
    }

    /**
     * Polls a condition (on the calling thread) until it holds.
     *
     * @param condition the condition
     * @param what for the failure message
     */
    public static void until(BooleanSupplier condition, String what) throws InterruptedException {
        untilPresent(() -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(), what);
    }

    /**
     * @param supplier asked repeatedly until it returns a value
     * @param what for the failure message
     * @return the first value
     */
    public static <T> T untilPresent(Supplier<Optional<T>> supplier, String what) throws InterruptedException {
        long end = System.nanoTime() + soon().toNanos();
        while (true) {
            Optional<T> value = supplier.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - end > 0) {
                return fail("timed out after " + soon().toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(20); // polling a state that has no event to wait for, not synchronisation
        }
    }
}
