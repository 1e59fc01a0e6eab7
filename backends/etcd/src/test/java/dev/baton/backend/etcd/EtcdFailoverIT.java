package dev.baton.backend.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.engine.Baton;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A leader on real etcd when etcd itself fails: each test starts its own members.
 *
 * <p>Safety (no leadership past the deadline of a grant asked for before etcd died, tokens only grow, one leader) is
 * asserted unconditionally; liveness with generous bounds ({@link #LIVENESS}, scaled), which only cost time on
 * failure.
 */
class EtcdFailoverIT {
    /** Bound of every wait for something that must happen eventually (scaled by {@link Await}). */
    private static final Duration LIVENESS = Duration.ofSeconds(30);

    private static Optional<Long> token(LeaderElection election) {
        OptionalLong t = election.fencingToken();
        return t.isPresent() ? Optional.of(t.getAsLong()) : Optional.empty();
    }

    @Test
    void etcdKilledAndRestartedUnderALeaderStepsDownByItsDeadlineAndRecoversWithoutRestart() {
        ElectionSettings settings = ElectionSettings.of(Timing.scaled(Duration.ofSeconds(2)),
                Timing.scaled(Duration.ofMillis(500)));
        List<LeadershipChanged> events = new CopyOnWriteArrayList<>();
        try (EtcdCluster etcd = EtcdCluster.start(1);
                Baton baton = Baton.builder()
                        .store(EtcdStores.open(etcd.endpoints(), "/failover/", settings.ttl()))
                        .participant("survivor").defaults(settings).build()) {
            baton.onChange(events::add);
            LeaderElection election = baton.election("job");
            long first = Await.untilPresent("the participant leads", () -> token(election), LIVENESS);

            etcd.member(0).kill();
            // kill() returns once etcd has exited, so every grant was asked for before this instant and is trusted
            // for less than a ttl after it; with etcd dead there is no new one.
            long latestDeadline = System.nanoTime() + settings.ttl().toNanos();
            Optional<Long> atKill = token(election);
            Await.until("the leader steps down after etcd died", () -> {
                long sampledAt = System.nanoTime(); // read before isLeader(): a late sample cannot fail wrongly
                boolean leads = election.isLeader();
                if (leads && sampledAt - latestDeadline > 0) {
                    throw new AssertionError("still leads " + (sampledAt - latestDeadline) / 1_000_000
                            + " ms after the latest possible deadline of its grants; events " + events);
                }
                return !leads;
            }, LIVENESS);
            // The tenure live at the kill ends for want of etcd and says so: BACKEND_UNAVAILABLE once a renewal failed,
            // EXPIRED if a starved machine reached the deadline before any renewal attempt failed.
            atKill.ifPresent(t -> {
                LeadershipChanged lost = Await.untilPresent("the LEADER -> FOLLOWER event of the tenure", () -> events
                        .stream().filter(e -> e.lost() && e.fencingToken().equals(OptionalLong.of(t))).findFirst(),
                        LIVENESS);
                assertTrue(lost.cause() == ChangeCause.BACKEND_UNAVAILABLE || lost.cause() == ChangeCause.EXPIRED,
                        "cause of the step-down: " + events);
            });
            long before = atKill.orElse(first);

            etcd.restart(0);
            // Same Baton, same store, same jetcd client: it reconnects by itself.
            long again = Await.untilPresent("the participant leads again after etcd came back",
                    () -> token(election), Duration.ofSeconds(60));
            // Never backwards; equal when the participant's own key outlived the outage and it confirmed it again
            // (the lease did not change hands).
            assertTrue(again >= before && before >= first, "tokens never go backwards: " + first + ", " + before
                    + ", " + again);
            // Events are delivered off the renewal thread, so the new ACQUIRED may trail isLeader() a little.
            Await.until("the ACQUIRED event of the new tenure", () -> events.stream()
                    .anyMatch(e -> e.acquired() && e.fencingToken().equals(OptionalLong.of(again))), LIVENESS);
            assertWellFormed(events);
        }
    }

    @Test
    void aMemberOfAThreeNodeClusterStoppedWhileLeadershipContinues() {
        // Losing one member of three must cost nothing. The lease is long enough (8 s, deadline 7.2 s after a
        // renewal) that the client's switch to another member and etcd's election of a new raft leader fit in it
        // even on a loaded machine; renewals every second.
        ElectionSettings settings = ElectionSettings.of(Timing.scaled(Duration.ofSeconds(8)),
                Timing.scaled(Duration.ofSeconds(1)));
        List<LeadershipChanged> events = new CopyOnWriteArrayList<>();
        try (EtcdCluster etcd = EtcdCluster.start(3);
                Baton leader = Baton.builder()
                        .store(EtcdStores.open(etcd.endpoints(), "/cluster/", settings.ttl()))
                        .participant("leader").defaults(settings).build();
                Baton follower = Baton.builder()
                        .store(EtcdStores.open(etcd.endpoints(), "/cluster/", settings.ttl()))
                        .participant("follower").defaults(settings).build()) {
            leader.onChange(events::add);
            LeaderElection election = leader.election("job");
            long token = Await.untilPresent("the first participant leads", () -> token(election), LIVENESS);
            LeaderElection other = follower.election("job");
            Await.until("the follower learns the leader", () -> other.leader().isPresent(), LIVENESS);

            // Stop the raft leader: the hardest member to lose (etcd elects a new one and extends every lease).
            int raftLeader = etcd.leader();
            etcd.member(raftLeader).kill();
            long killed = System.nanoTime();
            // Observation window: one ttl and a bit more. A grant asked for before the kill is trusted for less than
            // a ttl, so leading at the end of the window proves renewals succeeded after the member died.
            long end = killed + settings.ttl().plus(settings.renewInterval().multipliedBy(2)).toNanos();
            while (System.nanoTime() - end < 0) {
                assertEquals(OptionalLong.of(token), election.fencingToken(), "leadership was lost after member m"
                        + raftLeader + " stopped; events " + events);
                assertFalse(other.isLeader(), "the follower leads too");
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // the sampling period, not a synchronisation
            }
            assertEquals(OptionalLong.of(token), election.fencingToken(), "the same tenure throughout; events " + events);
            assertTrue(events.stream().noneMatch(LeadershipChanged::lost), "no step-down: " + events);
        }
    }

    /**
     * Terms alternate (ACQUIRED, then its end) and tokens never go backwards (one participant may confirm its own
     * key again with the same token: the lease did not change hands).
     */
    private static void assertWellFormed(List<LeadershipChanged> events) {
        long lastToken = Long.MIN_VALUE;
        boolean leading = false;
        for (LeadershipChanged e : events) {
            if (e.acquired()) {
                assertFalse(leading, "ACQUIRED while leading: " + events);
                long t = e.fencingToken().orElseThrow();
                assertTrue(t >= lastToken, "token " + t + " after " + lastToken + ": " + events);
                lastToken = t;
                leading = true;
            } else if (e.lost()) {
                assertTrue(leading, "a loss without a tenure: " + events);
                assertEquals(OptionalLong.of(lastToken), e.fencingToken(), "the loss ends the current tenure: " + events);
                leading = false;
            }
        }
    }
}
