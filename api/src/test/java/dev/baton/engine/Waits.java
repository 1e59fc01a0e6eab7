package dev.baton.engine;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for what real threads deliver in engine tests: events on the {@code baton-events-*} thread, the real
 * scheduler in {@link ThreadingTest}. Time itself is a {@link ManualScheduler} almost everywhere, so there is little
 * else to wait for. Bounds are generous (they only cost time on failure) and scaled like the TCK's {@code Timing} by
 * the system property {@code baton.test.timing-multiple}; the api module cannot depend on the tck module.
 */
final class Waits {
    /** The bound for anything another thread delivers: milliseconds normally, but a loaded machine may stall. */
    static final Duration GENEROUS = Duration.ofSeconds(30);

    private static final String PROPERTY = "baton.test.timing-multiple";
    private static final long POLL_MILLIS = 5;

    private Waits() {}

    /** @return {@code d} multiplied by {@code baton.test.timing-multiple} (default 1) */
    static Duration scaled(Duration d) {
        String raw = System.getProperty(PROPERTY);
        double factor = raw == null || raw.isBlank() ? 1.0 : Double.parseDouble(raw.trim());
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(PROPERTY + " must be a positive number, got '" + raw + "'");
        }
        return Duration.ofNanos(Math.round(d.toNanos() * factor));
    }

    /** @return {@link #GENEROUS}, scaled */
    static Duration generous() {
        return scaled(GENEROUS);
    }

    /**
     * Polls {@code condition} until it holds, for at most {@link #generous()}.
     *
     * @param what the awaited state in words, for the failure message
     * @param condition the state to reach
     * @throws AssertionError naming {@code what} when the bound passes first
     */
    static void until(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + generous().toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end >= 0) {
                throw new AssertionError("timed out after " + generous().toMillis() + " ms waiting until " + what);
            }
            try {
                Thread.sleep(POLL_MILLIS); // the poll interval of a bounded wait, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }
}
