package dev.baton.backend.azureblob;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The service-clock estimate on made-up responses (local times in nanoseconds, Dates in whole seconds). */
class ServiceClockTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The made-up service's clock: epoch second 1,000,000,000 at local time 0.3 s. */
    private static final long OFFSET = 1_000_000_000L * 1000 * MS - 300 * MS;

    private static long dateAt(long localNanos) {
        return Math.floorDiv(localNanos + OFFSET, 1000 * MS);
    }

    @Test
    @DisplayName("one response bounds the service's clock within a second; responses at other phases narrow it to"
            + " about a round trip, and the bounds always contain the truth")
    void narrows() {
        ServiceClock clock = new ServiceClock();
        long rtt = 2 * MS;
        long target = (1_000_000_005L) * 1000; // a service instant in milliseconds
        long truth = target * MS - OFFSET; // the local time the service reaches it
        for (long t = 0; t < 3_000 * MS; t += 137 * MS) {
            clock.observe(t, t + rtt, dateAt(t + rtt / 2));
            long sure = clock.surelyReached(target, t + rtt);
            long may = clock.mayHaveReached(target, t + rtt);
            assertTrue(sure >= truth, "surely reached too early at t=" + t / MS);
            assertTrue(may <= truth, "may have reached too late at t=" + t / MS);
        }
        long width = clock.surelyReached(target, 3_000 * MS) - clock.mayHaveReached(target, 3_000 * MS);
        assertTrue(width <= 150 * MS, "still " + width / MS + " ms wide after 22 responses");
    }

    @Test
    @DisplayName("a stepped service clock contradicts the old bounds, which are dropped")
    void stepped() {
        ServiceClock clock = new ServiceClock();
        clock.observe(0, MS, dateAt(0));
        clock.observe(500 * MS, 501 * MS, dateAt(500 * MS) + 60); // a minute ahead now
        long target = (dateAt(500 * MS) + 61) * 1000;
        assertTrue(clock.surelyReached(target, 501 * MS) > 501 * MS, "the new bounds follow the stepped clock");
    }
}
