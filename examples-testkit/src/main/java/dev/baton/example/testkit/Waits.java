package dev.baton.example.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Polling with a deadline; every wait is scaled by {@code baton.test.timing-multiple} for slow machines. */
public final class Waits {

    private static final double MULTIPLE =
            Double.parseDouble(System.getProperty("baton.test.timing-multiple", "1"));

    private Waits() {}

    /** @return {@code d} multiplied by {@code baton.test.timing-multiple} */
    public static Duration scaled(Duration d) {
        return Duration.ofMillis((long) (d.toMillis() * MULTIPLE));
    }

    /**
     * Polls {@code probe} every 100 ms until it returns a value or {@code timeout} (scaled) passes.
     *
     * @param what what is awaited, for the failure message
     * @param diagnostics evaluated on timeout and appended to the failure message
     */
    public static <T> T until(String what, Duration timeout, Supplier<Optional<T>> probe, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + scaled(timeout).toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + scaled(timeout).toSeconds() + " s waiting for: "
                        + what + "\n" + diagnostics.get());
            }
            try {
                Thread.sleep(100); // poll interval, not synchronisation: the deadline decides
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }
}
