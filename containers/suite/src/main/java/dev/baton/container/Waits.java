package dev.baton.container;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits, scaled by the build's {@code baton.test.timing-multiple}. The tests run inside the container, whose
 * JVM does not have the build's system properties: {@link Deployments} writes the multiple into the WAR
 * ({@value #RESOURCE}) and this class reads it from there (or from the system property when the container runs in
 * the build's JVM, as Weld embedded does).
 */
public final class Waits {
    /** The WAR resource holding the timing multiple. */
    static final String RESOURCE = "dev/baton/container/timing.properties";
    /** The system property (and key) of the timing multiple. */
    static final String PROPERTY = "baton.test.timing-multiple";

    private static final double MULTIPLE = readMultiple();

    private Waits() {}

    private static double readMultiple() {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            try (InputStream in = Waits.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    value = p.getProperty(PROPERTY);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return value == null ? 1 : Math.max(1, Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** @return the timing multiple, at least 1 */
    public static double multiple() {
        return MULTIPLE;
    }

    /**
     * @param d a bound
     * @return the bound times the timing multiple
     */
    public static Duration scaled(Duration d) {
        return Duration.ofMillis((long) (d.toMillis() * MULTIPLE));
    }

    /**
     * The bound for what must happen "soon" (an election, a handover on release, an event, a timer tick): each takes
     * milliseconds to about a second; 20 s (scaled) leaves room for a busy two-core machine.
     *
     * @return the bound
     */
    public static Duration soon() {
        return scaled(Duration.ofSeconds(20));
    }

    /**
     * Polls every 50 ms until the condition holds.
     *
     * @param condition what must become true
     * @param what what we wait for, for the failure message
     */
    public static void until(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + soon().toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                fail("timed out after " + soon().toMillis() + " ms waiting for " + what);
            }
            sleep(Duration.ofMillis(50));
        }
    }

    /** @param d how long to sleep (not scaled) */
    public static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
