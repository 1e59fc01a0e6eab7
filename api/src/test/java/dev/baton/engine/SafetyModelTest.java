package dev.baton.engine;

import static dev.baton.engine.EngineFixture.MARGIN;
import static dev.baton.engine.EngineFixture.RENEW;
import static dev.baton.engine.EngineFixture.TTL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.LeadershipChanged;
import dev.baton.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each point of the safety model in DESIGN.md, driven by a manual clock. */
class SafetyModelTest {
    private final EngineFixture fx = new EngineFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    @DisplayName("acquired is announced only after the store committed the grant, with its token")
    void acquiredAfterCommit() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        LeadershipChanged e = a.nextEvent();
        assertEquals(ChangeCause.ACQUIRED, e.cause());
        assertEquals(Role.LEADER, e.role());
        assertEquals(Role.FOLLOWER, e.previousRole());
        var held = fx.store.read("jobs").orElseThrow();
        assertEquals("a", held.holder());
        assertEquals(OptionalLong.of(held.token()), e.fencingToken());
        assertEquals(OptionalLong.of(held.token()), a.election.fencingToken());
    }

    @Test
    @DisplayName("a grant is trusted until t0 + ttl - margin and not one nanosecond longer")
    void localDeadline() {
        var a = fx.participant("a");
        fx.store.failRenewals = true;
        fx.clock.runDueTasks();
        assertTrue(a.election.isLeader());
        fx.clock.jumpWithoutRunning(TTL.minus(MARGIN).minusNanos(1));
        assertTrue(a.election.isLeader());
        fx.clock.jumpWithoutRunning(Duration.ofNanos(1));
        assertFalse(a.election.isLeader());
        assertTrue(a.election.fencingToken().isEmpty());
    }

    @Test
    @DisplayName("no renewal ran past the deadline (paused process): isLeader() is false though no thread ran")
    void pausedLeaderIsNotLeader() {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        assertTrue(a.election.isLeader());
        int renewals = fx.store.renewals.get();
        fx.clock.jumpWithoutRunning(TTL);
        assertFalse(a.election.isLeader(), "a paused leader must not believe it leads");
        assertEquals(renewals, fx.store.renewals.get(), "no renewal ran during the pause");
        assertTrue(a.election.tryEnter().isEmpty(), "guarded work must not start");
    }

    @Test
    @DisplayName("a paused leader that wakes after its deadline announces EXPIRED and another participant leads")
    void pausedLeaderStepsDownWhenItWakes() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        assertEquals(ChangeCause.ACQUIRED, a.nextEvent().cause());
        var b = fx.participant("b");
        fx.clock.runDueTasks();
        assertFalse(b.election.isLeader());
        fx.clock.jumpWithoutRunning(TTL.plusSeconds(1));
        fx.clock.runDueTasks();
        LeadershipChanged lost = a.nextEvent();
        assertEquals(Role.FOLLOWER, lost.role());
        assertTrue(lost.cause() == ChangeCause.EXPIRED || lost.cause() == ChangeCause.LOST_TO_ANOTHER,
                "cause was " + lost.cause());
        assertTrue(b.election.isLeader());
        assertFalse(a.election.isLeader());
    }

    @Test
    @DisplayName("the end of a tenure paused past its deadline is dated at the deadline, not at the wake-up")
    void anEndAfterAPauseIsDatedAtTheDeadline() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        LeadershipChanged acquired = a.nextEvent();
        assertEquals(ChangeCause.ACQUIRED, acquired.cause());
        assertEquals(acquired.at(), acquired.validUntil());
        Instant granted = fx.clock.wallClock(); // the grant was asked for and answered at this instant
        // Frozen for ten ttls: no task runs, then everything due runs at once.
        fx.clock.jumpWithoutRunning(TTL.multipliedBy(10));
        fx.clock.runDueTasks();
        LeadershipChanged lost = a.nextEvent();
        assertTrue(lost.lost());
        assertEquals(fx.clock.wallClock(), lost.at(), "decided when it woke up");
        assertEquals(granted.plus(TTL).minus(MARGIN), lost.validUntil(), "valid until grant + ttl - margin");
    }

    @Test
    @DisplayName("a leader woken past its local deadline ends its tenure there, though the store would still renew it")
    void aWakeUpPastTheDeadlineEndsTheTenure() throws Exception {
        // Frozen past the local deadline (ttl - margin) but not past the store's expiry (ttl): the renewal due long
        // ago would still be granted, and it runs before the deadline check.
        assertEndedAtTheDeadline(() -> {
            fx.clock.jumpWithoutRunning(TTL.minus(MARGIN.dividedBy(2)));
            fx.clock.runDueTasks();
        });
    }

    @Test
    @DisplayName("a renewal confirmed only after the local deadline does not revive the tenure: it ended at the"
            + " deadline")
    void aRenewalAnsweredPastTheDeadlineEndsTheTenure() throws Exception {
        // The first renewal, sent after one renew interval, is answered half a margin after the local deadline.
        assertEndedAtTheDeadline(() -> {
            fx.store.renewalTakes = TTL.minus(MARGIN).minus(RENEW).plus(MARGIN.dividedBy(2));
            fx.advance(RENEW);
            fx.store.renewalTakes = null;
            fx.clock.runDueTasks();
        });
    }

    /** A lone leader goes through {@code late}; its tenure must end with EXPIRED, valid until grant + ttl - margin. */
    private void assertEndedAtTheDeadline(Runnable late) throws InterruptedException {
        var a = fx.leader("a");
        Instant granted = fx.clock.wallClock();
        late.run();
        LeadershipChanged lost = a.nextEvent();
        assertEquals(ChangeCause.EXPIRED, lost.cause());
        assertEquals(granted.plus(TTL).minus(MARGIN), lost.validUntil(), "valid until grant + ttl - margin");
        assertEquals(fx.clock.wallClock(), lost.at(), "decided when it noticed");
        assertFalse(a.election.isLeader());
    }

    @Test
    @DisplayName("a tenure that ends before its deadline (step-down) is valid until the decision")
    void anEndBeforeTheDeadlineIsDatedAtTheDecision() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        assertEquals(ChangeCause.ACQUIRED, a.nextEvent().cause());
        fx.advance(Duration.ofSeconds(2));
        a.election.stepDown();
        LeadershipChanged released = a.nextEvent();
        assertEquals(ChangeCause.RELEASED, released.cause());
        assertEquals(released.at(), released.validUntil());
    }

    @Test
    @DisplayName("a store that grants less than the ttl is renewed proportionally sooner, so the tenure survives")
    void shortGrantsAreRenewedSooner() throws Exception {
        // 4 s of a 10 s ttl: trusted for 4 - 1 (margin) = 3 s, the renew interval; renewing after 3 s would be late.
        fx.store.grantCap = Duration.ofSeconds(4);
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        assertEquals(ChangeCause.ACQUIRED, a.nextEvent().cause());
        long token = a.election.fencingToken().orElseThrow();
        for (int i = 0; i < 60; i++) {
            fx.advance(Duration.ofMillis(500));
            assertTrue(a.election.isLeader(), "still leading after " + (i + 1) * 500 + " ms");
        }
        assertEquals(token, a.election.fencingToken().orElseThrow());
        // 30 s at one renewal per 3 s x 4/10 = 1.2 s
        assertTrue(fx.store.renewals.get() >= 24, "renewals: " + fx.store.renewals.get());
        a.flushEvents();
        assertTrue(a.events.isEmpty(), "no step-down: " + a.events);
    }

    @Test
    @DisplayName("renewals keep the tenure and the token; the deadline moves with each confirmed renewal")
    void renewalsExtend() {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        long token = a.election.fencingToken().orElseThrow();
        for (int i = 0; i < 10; i++) {
            fx.advance(RENEW);
        }
        assertTrue(a.election.isLeader());
        assertEquals(token, a.election.fencingToken().orElseThrow());
        assertTrue(fx.store.renewals.get() >= 9, "renewals: " + fx.store.renewals.get());
    }

    @Test
    @DisplayName("failing renewals are retried until the local deadline, then the leader steps down: BACKEND_UNAVAILABLE")
    void failingRenewalsStepDownAtDeadline() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        a.nextEvent();
        long acquiredAt = fx.clock.nanoTime();
        fx.store.failEverything = true;
        fx.advance(TTL.minus(MARGIN).minusMillis(1));
        assertTrue(a.election.isLeader(), "still within the deadline");
        assertTrue(fx.store.renewals.get() >= 3, "renewals retried: " + fx.store.renewals.get());
        assertTrue(a.events.isEmpty(), "no event before the deadline");
        fx.advance(Duration.ofMillis(1));
        assertFalse(a.election.isLeader());
        LeadershipChanged lost = a.nextEvent();
        assertEquals(ChangeCause.BACKEND_UNAVAILABLE, lost.cause());
        assertEquals(TTL.minus(MARGIN).toNanos(), fx.clock.nanoTime() - acquiredAt);
        assertFalse(a.election.status().lastError().isEmpty());
    }

    @Test
    @DisplayName("a renewal that finds another holder steps down at once: LOST_TO_ANOTHER")
    void renewalFindsAnotherHolder() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        a.nextEvent();
        fx.store.steal("jobs", "thief", TTL);
        fx.advance(RENEW);
        assertFalse(a.election.isLeader());
        LeadershipChanged lost = a.nextEvent();
        assertEquals(ChangeCause.LOST_TO_ANOTHER, lost.cause());
        assertEquals("thief", a.election.leader().orElseThrow());
    }

    @Test
    @DisplayName("fencing tokens strictly increase each time the lease changes hands")
    void tokensIncrease() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        long first = a.nextEvent().fencingToken().orElseThrow();
        var b = fx.participant("b");
        fx.clock.runDueTasks();
        a.election.stepDown();
        fx.clock.runDueTasks();
        assertEquals(ChangeCause.RELEASED, a.nextEvent().cause());
        long second = b.nextEvent().fencingToken().orElseThrow();
        assertTrue(second > first, second + " > " + first);
        b.election.stepDown();
        fx.advance(RENEW);
        long third = a.election.fencingToken().orElseThrow();
        assertTrue(third > second, third + " > " + second);
    }

    @Test
    @DisplayName("every acquisition is followed by exactly one end event, even when the store throws Errors")
    void exactlyOneEndEvent() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        a.nextEvent();
        fx.store.throwErrors = true;
        fx.advance(TTL.multipliedBy(3));
        a.baton.close();
        LeadershipChanged end = a.nextEvent();
        assertEquals(Role.FOLLOWER, end.role());
        assertEquals(ChangeCause.BACKEND_UNAVAILABLE, end.cause());
        assertTrue(a.events.isEmpty(), "exactly one end event, got also " + a.events);
    }
}
