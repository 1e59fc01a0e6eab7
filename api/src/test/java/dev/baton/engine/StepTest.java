package dev.baton.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderInfo;
import dev.baton.spi.LeaseRecord;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The typed plumbing of a group's step chain and the deadline code it shares with one-off leases, without a store:
 * each step builds the outcome of its own kind, a renewal's answer confirms a grant only for the same holder and
 * token, a grant is trusted strictly before its deadline, and the deadline check fires once, at the last deadline set.
 */
class StepTest {
    private static final Grant GRANT = new Grant(7, 1_000, 3, LeaderInfo.fromStored("a", 7, Map.of()));

    @Test
    @DisplayName("a failed step gives the outcome of its own kind, carrying the step and the failure")
    void failedStepsAreTyped() {
        RuntimeException boom = new IllegalStateException("boom");
        Step.Acquire acquire = new Step.Acquire(true);
        StepOutcome.Acquired acquired = acquire.failed(5, boom);
        assertSame(acquire, acquired.step());
        assertSame(boom, acquired.failure());
        assertEquals(Optional.empty(), acquired.answer());

        Step.Renew renew = new Step.Renew(3, GRANT);
        StepOutcome.Renewed renewed = renew.failed(6, boom);
        assertSame(renew, renewed.step());
        assertSame(boom, renewed.failure());

        Step.Release release = new Step.Release(7);
        StepOutcome.Released released = release.failed(7, boom);
        assertEquals(7, released.step().token());
        assertFalse(released.released());
        assertSame(boom, released.failure());
    }

    @Test
    @DisplayName("an answered renewal carries its send time and answer, and no failure")
    void answeredRenewal() {
        LeaseRecord lease = new LeaseRecord("jobs", "a", 7, Duration.ofSeconds(10));
        StepOutcome.Renewed renewed = new Step.Renew(3, GRANT).answered(42, Optional.of(lease));
        assertEquals(42, renewed.t0());
        assertEquals(Optional.of(lease), renewed.answer());
        assertEquals(null, renewed.failure());
    }

    @Test
    @DisplayName("log lines name the calls as before the typed steps: ACQUIRE, RENEW, RELEASE")
    void labels() {
        assertEquals("ACQUIRE", new Step.Acquire(false).label());
        assertEquals("RENEW", new Step.Renew(3, GRANT).label());
        assertEquals("RELEASE", new Step.Release(7).label());
    }

    @ParameterizedTest(name = "answer {0}/{1}: confirms {2}")
    @DisplayName("a renewal confirms a grant only when the store has it for the same holder and token")
    @CsvSource({
        "a, 7, true",
        "b, 7, false",
        "a, 8, false",
    })
    void confirms(String holder, long token, boolean expected) {
        LeaseRecord answer = new LeaseRecord("jobs", holder, token, Duration.ofSeconds(10));
        assertEquals(expected, Timing.confirms(Optional.of(answer), "a", 7));
        assertFalse(Timing.confirms(Optional.empty(), "a", 7), "no lease: the grant is gone");
    }

    @Test
    @DisplayName("a grant is trusted strictly before its deadline, also across the nanosecond clock's wrap")
    void trustedStrictlyBeforeTheDeadline() {
        assertTrue(GRANT.validAt(999));
        assertFalse(GRANT.validAt(1_000));
        assertTrue(Timing.before(Long.MAX_VALUE, Long.MIN_VALUE + 1), "the deadline lies just past the wrap");
        Grant extended = GRANT.extendedTo(2_000);
        assertTrue(extended.validAt(1_500));
        assertEquals(GRANT.epoch(), extended.epoch());
        assertEquals(GRANT.token(), extended.token());
    }

    @Test
    @DisplayName("the deadline check fires once, at the last deadline set, and never after a cancel")
    void deadlineCheck() {
        ManualScheduler scheduler = new ManualScheduler();
        DeadlineCheck check = new DeadlineCheck(scheduler);
        AtomicInteger fired = new AtomicInteger();
        long now = scheduler.nanoTime();
        check.at(now + 100, fired::incrementAndGet);
        check.at(now + 300, fired::incrementAndGet); // a renewal extended the grant
        scheduler.advance(Duration.ofNanos(200));
        assertEquals(0, fired.get(), "the first deadline was replaced");
        scheduler.advance(Duration.ofNanos(100));
        assertEquals(1, fired.get());
        check.at(scheduler.nanoTime() + 100, fired::incrementAndGet);
        check.cancel();
        scheduler.advance(Duration.ofNanos(200));
        assertEquals(1, fired.get(), "cancelled: the grant ended by other means");
    }
}
