package dev.baton.cdi.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.cdi.testkit.Waits;
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
            Waits.until(() -> ea.isLeader() || eb.isLeader(), "one node to lead group 'jobs'");
            boolean aLeads = ea.isLeader();
            TestNode leader = aLeads ? a : b;
            TestNode follower = aLeads ? b : a;
            LeaderElection followerElection = aLeads ? eb : ea;
            assertNotEquals(ea.isLeader(), eb.isLeader(), "exactly one node leads");

            for (int i = 0; i < 3; i++) {
                leader.select(FailoverService.class).tick();
                follower.select(FailoverService.class).tick();
            }
            assertEquals(3, leader.select(FailoverService.class).runs(), "the leader runs every call");
            assertEquals(0, follower.select(FailoverService.class).runs(), "the follower skips every call");

            leader.close();
            assertTrue(followerElection.awaitLeadership(Waits.soon()),
                    "the follower takes over once the leader's container shut down");
            follower.select(FailoverService.class).tick();
            assertEquals(1, follower.select(FailoverService.class).runs(), "the new leader runs the method");
            assertFalse(followerElection.leader().isEmpty());
        } finally {
            a.close();
            b.close();
        }
    }
}
