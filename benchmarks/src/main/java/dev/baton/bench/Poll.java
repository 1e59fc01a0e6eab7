package dev.baton.bench;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling every 0.5 ms, returning when it became true; the resolution of our timings. */
final class Poll {

    private Poll() {}

    /**
     * @return the {@link System#nanoTime()} at which {@code condition} was first seen true
     * @throws IllegalStateException when it stays false for {@code timeout}
     */
    static long until(String what, BooleanSupplier condition, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return System.nanoTime();
            }
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("timed out after " + timeout.toMillis() + " ms waiting until " + what);
            }
            try {
                Thread.sleep(0, 500_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting until " + what, e);
            }
        }
    }
}
