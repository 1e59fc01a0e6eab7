package dev.baton.engine;

import static dev.baton.engine.EngineFixture.MARGIN;
import static dev.baton.engine.EngineFixture.TTL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Out-of-range input is refused before the store is asked, and no answer of a store, however large, can break the
 * bookkeeping between a grant and the tenure it starts.
 */
class BoundsTest {
    private final EngineFixture fx = new EngineFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    @DisplayName("a one-off lease longer than one day is refused before the store is asked, so it can never stick")
    void leaseTtlBound() {
        var a = fx.participant("a");
        Duration millennium = Duration.ofDays(365_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.baton.leases().tryAcquire("archive", millennium));
        assertTrue(e.getMessage().contains("at most one day"), e.getMessage());
        assertEquals(0, fx.store.acquires.get(), "the store was asked for a lease nobody could ever end");
        assertTrue(a.baton.leases().tryAcquire("archive", Duration.ofDays(1)).isPresent(), "one day is allowed");
    }

    @Test
    @DisplayName("a lease name with an unpaired surrogate is refused before the store is asked")
    void malformedName() {
        var a = fx.participant("a");
        for (String name : new String[] {"x\uD800", "x\uDFFF", "\uDC00\uD800"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.baton.leases().tryAcquire(name, TTL));
            assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
        }
        assertEquals(0, fx.store.acquires.get());
        assertTrue(a.baton.leases().tryAcquire("x\uD83C\uDF89", TTL).isPresent(), "a surrogate pair is fine");
    }

    @Test
    @DisplayName("a store answering a remaining time of a thousand years is trusted for the ttl asked, no longer")
    void hugeRemaining() throws Exception {
        fx.store.reportedRemaining = Duration.ofDays(365_000); // beyond Duration.toNanos()
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        assertEquals(ChangeCause.ACQUIRED, a.nextEvent().cause());
        assertTrue(a.election.isLeader());
        fx.store.failRenewals = true;
        fx.clock.jumpWithoutRunning(TTL.minus(MARGIN));
        assertFalse(a.election.isLeader(), "trusted past ttl - margin because the store said 1000 years");
    }

    @Test
    @DisplayName("awaitLeadership and the shutdown timeout accept any duration, even one beyond the nanosecond clock")
    void hugeWaits() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        assertEquals(ChangeCause.ACQUIRED, a.nextEvent().cause());
        assertTrue(a.election.awaitLeadership(Duration.ofDays(1_000_000)));
        assertTrue(a.election.awaitLeadership(Duration.ofDays(-1_000_000)), "a leader need not wait at all");
        Baton.builder().store(fx.store).closeStore(false).participant("z").scheduler(fx.clock)
                .shutdownTimeout(Duration.ofDays(1_000_000)).build().close();
    }
}
