package dev.baton.backend.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A leader on real etcd when etcd itself fails: each test starts its own members. */
class EtcdFailoverIT {

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
            Await.until("the participant leads", election::isLeader, Duration.ofSeconds(10));

            long killed = System.nanoTime();
            etcd.member(0).kill();
            Await.until("the leader steps down after etcd died", () -> !election.isLeader(),
                    settings.ttl().plusSeconds(2));
            Duration steppedDownAfter = Duration.ofNanos(System.nanoTime() - killed);
            // The grant is trusted until t0 + ttl - margin of the last renewal sent before the kill.
            Duration bound = settings.ttl().plus(Timing.scaledMillis(250));
            assertTrue(steppedDownAfter.compareTo(bound) <= 0,
                    "stepped down " + steppedDownAfter.toMillis() + " ms after the kill; bound " + bound.toMillis());
            LeadershipChanged lost = Await.untilPresent("a LEADER -> FOLLOWER event",
                    () -> events.stream().filter(LeadershipChanged::lost).findFirst(), Duration.ofSeconds(2));
            assertEquals(ChangeCause.BACKEND_UNAVAILABLE, lost.cause(), "cause of the step-down: " + events);

            etcd.member(0).restart();
            // Same Baton, same store, same jetcd client: it reconnects by itself.
            Await.until("the participant leads again after etcd came back", election::isLeader,
                    Duration.ofSeconds(30));
            // Events are delivered off the renewal thread, so the second ACQUIRED may trail isLeader() a little.
            Await.until("a second ACQUIRED event", () -> events.stream().filter(LeadershipChanged::acquired).count() == 2,
                    Duration.ofSeconds(2));
            assertEquals(3, events.size(), "ACQUIRED, BACKEND_UNAVAILABLE, ACQUIRED: " + events);
        }
    }

    @Test
    void aMemberOfAThreeNodeClusterStoppedWhileLeadershipContinues() {
        ElectionSettings settings = ElectionSettings.of(Timing.scaled(Duration.ofSeconds(4)),
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
            Await.until("the first participant leads", election::isLeader, Duration.ofSeconds(10));
            LeaderElection other = follower.election("job");
            Await.until("the follower learns the leader", () -> other.leader().isPresent(), Duration.ofSeconds(10));

            // Stop the raft leader: the hardest member to lose (etcd elects a new one and extends every lease).
            int raftLeader = etcd.leader();
            etcd.member(raftLeader).kill();
            long end = System.nanoTime() + settings.ttl().multipliedBy(3).toNanos();
            while (System.nanoTime() - end < 0) {
                assertTrue(election.isLeader(), "leadership was lost after member m" + raftLeader
                        + " stopped; events " + events);
                assertTrue(!other.isLeader(), "the follower leads too");
                sleep(20);
            }
            assertEquals(1, events.size(), "only the first ACQUIRED, no step-down: " + events);
            assertTrue(leader.election("job").fencingToken().isPresent());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
