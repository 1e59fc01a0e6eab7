package dev.baton.cdi.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.cdi.testkit.Waits;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailoverTest {

    private static TestNode node(String namespace, String participant) {
        return TestNode.builder()
                .config("baton.memory.namespace", namespace)
                .config("baton.participant", participant)
                .beans(FailoverService.class)
                .start();
    }

    @Test
    void aGuardedMethodRunsOnExactlyOneNodeAndMovesWhenItsLeaderShutsDown() throws Exception {
        String ns = TestNode.uniqueNamespace();
        TestNode a = node(ns, "node-a");
        TestNode b = node(ns, "node-b");
        try {
            LeaderElection ea = a.select(LeaderElection.class, ElectionGroup.Literal.of("jobs"));
            LeaderElection eb = b.select(LeaderElection.class, ElectionGroup.Literal.of("jobs"));
            // The nodes' lease (TestNode's default) outlasts the test, so whoever wins keeps leading until it shuts
            // down, and the other cannot lead before that.
            boolean aLeads = Waits.untilPresent(() -> ea.isLeader() ? Optional.of(true)
                    : eb.isLeader() ? Optional.of(false) : Optional.empty(), "one node to lead group 'jobs'");
            TestNode leader = aLeads ? a : b;
            TestNode follower = aLeads ? b : a;
            LeaderElection leaderElection = aLeads ? ea : eb;
            LeaderElection followerElection = aLeads ? eb : ea;
            long leaderToken = leaderElection.fencingToken().orElseThrow();
            assertTrue(leaderElection.isLeader(), "the leader keeps its lease");
            assertFalse(followerElection.isLeader(), "never two leaders");

            for (int i = 0; i < 3; i++) {
                leader.select(FailoverService.class).tick();
                follower.select(FailoverService.class).tick();
            }
            assertEquals(3, leader.select(FailoverService.class).runs(), "the leader runs every call");
            assertEquals(0, follower.select(FailoverService.class).runs(), "the follower skips every call");

            leader.close();
            // The lease is far from expiry: only the release at shutdown can explain a takeover.
            assertTrue(followerElection.awaitLeadership(Waits.soon()),
                    "the follower takes over once the leader's container shut down");
            assertTrue(followerElection.fencingToken().orElseThrow() > leaderToken,
                    "the new leader's fencing token exceeds the old one's");
            follower.select(FailoverService.class).tick();
            assertEquals(1, follower.select(FailoverService.class).runs(), "the new leader runs the method");
            assertEquals(Optional.of(followerElection.participant()), followerElection.leader());
        } finally {
            a.close();
            b.close();
        }
    }
}
