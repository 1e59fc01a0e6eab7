package dev.baton.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.LeadershipChanged;
import dev.baton.spi.LeaseRecord;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A lease the leader's release hands to a waiting follower is taken on the thread of the store's watch callback
 * ({@code LeaseStore.takeHandedOver}), with no scheduler step: on a {@link ManualScheduler} nothing runs unless the
 * test says, so a follower that leads right after the release did so on the callback's thread.
 */
class HandoverFromWatchTest {
    private final EngineFixture fx = new EngineFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private EngineFixture.Participant follower(String id) throws InterruptedException {
        EngineFixture.Participant p = fx.participant(id);
        fx.clock.runDueTasks(); // its first acquire: refused, it follows and watches
        assertFalse(p.election.isLeader());
        return p;
    }

    @Test
    @DisplayName("the follower leads when the leader's release returns: taken on the watch's thread, no acquire sent,"
            + " no step of its scheduler run; then renewed like any grant")
    void takenOnTheWatchThread() throws Exception {
        EngineFixture.Participant a = fx.leader("a");
        EngineFixture.Participant b = follower("b");
        int acquires = fx.store.acquires.get();
        fx.store.handsOverTo = "b";
        a.baton.close(); // releases on this thread, and the store runs b's watch callback on it

        assertTrue(b.election.isLeader(), "b leads as soon as the release returned, before its scheduler ran");
        assertEquals(acquires, fx.store.acquires.get(), "no acquire was sent");
        assertEquals(1, fx.store.handedOver.get());
        long token = fx.store.read("jobs").orElseThrow().token();
        assertEquals(token, b.election.fencingToken().orElseThrow());
        LeadershipChanged acquired = b.nextEvent();
        assertEquals(ChangeCause.ACQUIRED, acquired.cause());
        assertEquals(token, acquired.fencingToken().orElseThrow());

        // Renewed like any other grant: still b's, with the same token, after three ttls.
        for (int i = 0; i < 10; i++) {
            fx.advance(EngineFixture.RENEW);
        }
        assertTrue(b.election.isLeader());
        assertEquals(token, fx.store.read("jobs").map(LeaseRecord::token).orElseThrow());
    }

    @Test
    @DisplayName("a store that declines (nothing handed over): the follower wakes and acquires on its scheduler")
    void declinedFallsBackToTheScheduledAcquire() throws Exception {
        EngineFixture.Participant a = fx.leader("a");
        EngineFixture.Participant b = follower("b");
        int acquires = fx.store.acquires.get();
        a.baton.close();

        assertFalse(b.election.isLeader(), "nothing handed over: b's acquire waits for its scheduler");
        assertEquals(acquires, fx.store.acquires.get());
        fx.clock.runDueTasks(); // the step the watch callback scheduled at once (time did not move)
        assertTrue(b.election.isLeader());
        assertEquals(acquires + 1, fx.store.acquires.get(), "one acquire, as before");
        assertEquals(0, fx.store.handedOver.get());
    }

    @Test
    @DisplayName("a store whose answer from memory throws: a warning naming the bug, and the usual acquire, which"
            + " takes the lease handed over")
    void failingTakeFallsBackWithAWarning() throws Exception {
        EngineFixture.Participant a = fx.leader("a");
        EngineFixture.Participant b = follower("b");
        fx.store.takeFails = new IllegalStateException("bug in the store");
        fx.store.handsOverTo = "b";
        List<String> lines;
        try (LogLines log = new LogLines(GroupElection.class, false)) {
            a.baton.close();
            lines = log.lines().stream().filter(l -> l.contains(LogIds.HANDOVER_TAKE_FAILED)).toList();
        }
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("group 'jobs'") && lines.get(0).contains("bug in the store")
                && lines.get(0).contains("fake"), lines.get(0));
        assertFalse(b.election.isLeader(), "not taken on the callback's thread");
        fx.clock.runDueTasks();
        assertTrue(b.election.isLeader(), "the scheduled acquire got the lease handed to b");
    }

    @Test
    @DisplayName("a handover to someone else is not taken: the follower acquires on its scheduler and is refused")
    void handedToAnother() throws Exception {
        EngineFixture.Participant a = fx.leader("a");
        EngineFixture.Participant b = follower("b");
        fx.store.handsOverTo = "c";
        a.baton.close();

        assertFalse(b.election.isLeader());
        fx.clock.runDueTasks();
        assertFalse(b.election.isLeader(), "c holds the lease");
        assertEquals("c", fx.store.read("jobs").orElseThrow().holder());
        assertEquals(0, fx.store.handedOver.get());
    }
}
