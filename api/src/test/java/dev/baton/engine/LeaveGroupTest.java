package dev.baton.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.LeaderElection;
import dev.baton.Role;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** {@link LeaderElection#close()}: leaving one group, with a graceful handover, while the others go on. */
class LeaveGroupTest {
    private final EngineFixture fx = new EngineFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    @DisplayName("a leader that leaves a group announces RELEASED, releases at once and keeps its other groups")
    void leavingHandsTheGroupOver() throws Exception {
        var a = fx.participant("a");
        LeaderElection other = a.baton.election("other");
        fx.clock.runDueTasks();
        var b = fx.participant("b");
        fx.clock.runDueTasks();
        assertEquals(ChangeCause.ACQUIRED, a.nextEvent().cause());
        assertTrue(other.isLeader());
        long otherToken = other.fencingToken().orElseThrow();

        a.election.close();

        var end = a.nextEvent();
        assertEquals(ChangeCause.RELEASED, end.cause());
        assertEquals(Role.FOLLOWER, end.role());
        assertFalse(a.election.isLeader());
        assertTrue(fx.store.read("jobs").isEmpty(), "released before close() returned");
        fx.clock.runDueTasks(); // the release notified b's watch
        assertTrue(b.election.isLeader(), "the follower takes over at once");
        fx.advance(EngineFixture.TTL.multipliedBy(2));
        assertTrue(other.isLeader(), "the other group is untouched");
        assertEquals(otherToken, other.fencingToken().orElseThrow());
        assertEquals(List.of(other), List.copyOf(a.baton.elections()));
        assertEquals(Optional.empty(), a.baton.existingElection("jobs"));
    }

    @Test
    @DisplayName("close() waits for open terms before it releases")
    void leavingWaitsForGuardedWork() throws Exception {
        var a = fx.leader("a");
        fx.assertCloseWaitsForOpenTerm(a, a.election::close);
        assertEquals(ChangeCause.RELEASED, a.nextEvent().cause());
        assertTrue(fx.store.read("jobs").isEmpty());
    }

    @Test
    @DisplayName("close() is idempotent, and the spent handle refuses to act with BATON-ENG-0017 but still answers")
    void aClosedHandleIsSpent() throws Exception {
        var a = fx.leader("a");
        a.election.close();
        a.election.close();
        assertEquals(ChangeCause.RELEASED, a.nextEvent().cause());
        a.flushEvents();
        assertTrue(a.events.isEmpty(), "one end event only: " + a.events);
        assertEquals(1, fx.store.releases.get(), "released once");

        for (Executable call : List.<Executable>of(
                a.election::tryEnter,
                () -> a.election.awaitLeadership(Duration.ofSeconds(1)),
                a.election::stepDown,
                () -> a.election.runWhileLeader(() -> 1),
                () -> a.election.onChange(e -> {}))) {
            var e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().startsWith("BATON-ENG-0017: the election of group 'jobs'"), e.getMessage());
        }
        assertFalse(a.election.isLeader());
        assertTrue(a.election.fencingToken().isEmpty());
        assertEquals(Role.FOLLOWER, a.election.status().role());
        int acquires = fx.store.acquires.get();
        fx.advance(EngineFixture.TTL.multipliedBy(3));
        assertEquals(acquires, fx.store.acquires.get(), "a closed election no longer competes");
    }

    @Test
    @DisplayName("a follower that leaves stops competing; the group can be joined again with a new handle")
    void aLeftGroupCanBeJoinedAgain() throws Exception {
        var a = fx.leader("a");
        var b = fx.participant("b");
        fx.clock.runDueTasks();
        b.election.close();
        assertEquals(0, fx.store.releases.get(), "a follower has nothing to release");
        assertTrue(a.election.isLeader());

        LeaderElection again = b.baton.election("jobs");
        assertNotSame(b.election, again);
        a.election.close();
        fx.clock.runDueTasks();
        assertTrue(again.isLeader(), "the new handle competes");
        assertFalse(b.election.isLeader());
    }
}
