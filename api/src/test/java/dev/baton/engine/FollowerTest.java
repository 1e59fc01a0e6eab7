package dev.baton.engine;

import static dev.baton.engine.EngineFixture.RENEW;
import static dev.baton.engine.EngineFixture.TTL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Followers sleep until the lease can expire, and wake at once on a watch notification. */
class FollowerTest {
    private final EngineFixture fx = new EngineFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    @DisplayName("exactly one of three participants leads, and the others know who")
    void oneLeader() {
        var a = fx.participant("a");
        var b = fx.participant("b");
        var c = fx.participant("c");
        fx.advance(Duration.ofSeconds(30));
        int leaders = (a.election.isLeader() ? 1 : 0) + (b.election.isLeader() ? 1 : 0) + (c.election.isLeader() ? 1 : 0);
        assertEquals(1, leaders);
        String leader = a.election.leader().orElseThrow();
        assertEquals(leader, b.election.leader().orElseThrow());
        assertEquals(leader, c.election.leader().orElseThrow());
    }

    @Test
    @DisplayName("elections acquire without waiting inside the store: a grant the store defers is asked for again"
            + " within a few tens of milliseconds")
    void deferredGrantAskedAgainSoon() throws Exception {
        fx.store.deferGrants = 3;
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        assertFalse(a.election.isLeader(), "deferred: the lease is free but not granted yet");
        for (int i = 0; i < 10 && !a.election.isLeader(); i++) {
            fx.advance(Duration.ofMillis(30)); // a lost race's retry: 20 ms with jitter
        }
        assertTrue(a.election.isLeader());
        assertEquals(3, fx.store.deferred.get());
        assertEquals(fx.store.acquiresWithoutWaiting.get(), fx.store.acquires.get() + 3,
                "every acquire of the election went through tryAcquireWithoutWaiting");
        assertEquals(ChangeCause.ACQUIRED, a.nextEvent().cause());
    }

    @Test
    @DisplayName("a follower does not poll: it asks again only when the holder's lease can expire")
    void noHotPolling() {
        fx.store.watchable = false;
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        var b = fx.participant("b");
        fx.clock.runDueTasks();
        int before = fx.store.acquires.get();
        fx.advance(Duration.ofMinutes(1));
        int followerAsks = fx.store.acquires.get() - before;
        // The leader renews every 3 s so the holder's remaining time is always >= ttl - renew = 7 s.
        assertTrue(followerAsks <= 60 / 7 + 1, "follower asked " + followerAsks + " times in a minute");
        assertTrue(followerAsks >= 1);
        assertTrue(a.election.isLeader());
        assertFalse(b.election.isLeader());
    }

    @Test
    @DisplayName("without a watch, a follower takes over when a crashed leader's lease expires in the store")
    void takeOverAtExpiry() throws Exception {
        fx.store.watchable = false;
        ManualScheduler frozen = new ManualScheduler();
        var a = fx.participant("a", frozen);
        frozen.runDueTasks(); // a acquires, then never runs again: crashed without releasing
        assertEquals(ChangeCause.ACQUIRED, a.nextEvent().cause());
        var b = fx.participant("b");
        fx.clock.runDueTasks();
        assertFalse(b.election.isLeader());
        fx.advance(TTL.minusMillis(1));
        assertFalse(b.election.isLeader(), "the store still holds a's lease");
        fx.advance(Duration.ofMillis(10));
        assertTrue(b.election.isLeader(), "b leads once a's lease expired in the store");
        assertTrue(b.election.fencingToken().orElseThrow() > 1);
    }

    @Test
    @DisplayName("a graceful release wakes the follower at once through the watch: no time passes")
    void watchHandover() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        var b = fx.participant("b");
        fx.clock.runDueTasks();
        long before = fx.clock.nanoTime();
        a.election.stepDown();
        fx.clock.runDueTasks();
        assertTrue(b.election.isLeader(), "b leads after the release without waiting");
        assertEquals(before, fx.clock.nanoTime());
        assertEquals(ChangeCause.ACQUIRED, b.nextEvent().cause());
    }

    @Test
    @DisplayName("after stepDown, a participant does not compete again for one renew interval")
    void stepDownBacksOff() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        a.election.stepDown();
        fx.clock.runDueTasks();
        assertFalse(a.election.isLeader());
        fx.advance(RENEW.minusMillis(1));
        assertFalse(a.election.isLeader(), "still backing off");
        fx.advance(Duration.ofMillis(1));
        assertTrue(a.election.isLeader(), "alone, it leads again after the back-off");
        assertTrue(TTL.compareTo(RENEW) > 0);
    }
}
