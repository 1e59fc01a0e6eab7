package dev.baton.cdi.follower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderElection;
import dev.baton.NotLeaderException;
import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.cdi.testkit.Waits;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FollowerTest {

    private static TestNode node(String namespace) {
        return TestNode.builder()
                .config("baton.memory.namespace", namespace)
                .config("baton.participant", "me")
                .beans(FollowerService.class)
                .start();
    }

    @Test
    void onAFollowerEachReturnTypeIsSkippedOrRefusedAndNoBodyRuns() throws Exception {
        String ns = TestNode.uniqueNamespace();
        // Another participant holds the default group's lease for longer than the test.
        MemoryLeaseStore.shared(ns).tryAcquire("default", "someone-else", Duration.ofMinutes(5));
        try (TestNode node = node(ns)) {
            FollowerService s = node.select(FollowerService.class);
            LeaderElection election = node.select(LeaderElection.class);
            Waits.until(() -> election.leader().isPresent(), "the node to learn who leads");

            s.voidJob();
            assertEquals(Optional.empty(), s.optionalJob());
            assertEquals(OptionalInt.empty(), s.optionalIntJob());
            assertNull(s.stageJob().toCompletableFuture().get(Waits.soon().toMillis(), TimeUnit.MILLISECONDS));
            assertNull(s.futureJob().get(Waits.soon().toMillis(), TimeUnit.MILLISECONDS));

            NotLeaderException refused = assertThrows(NotLeaderException.class, s::count);
            assertEquals("default", refused.group());
            assertTrue(refused.getMessage().contains("dev.baton.cdi.follower.FollowerService.count()"),
                    refused.getMessage());
            assertTrue(refused.getMessage().contains("return type int cannot be skipped"), refused.getMessage());
            assertTrue(refused.getMessage().contains("the leader is someone-else"), refused.getMessage());

            NotLeaderException thrown = assertThrows(NotLeaderException.class, s::mustRun);
            assertTrue(thrown.getMessage().contains("FollowerService.mustRun() was not run (onFollower=THROW)"),
                    thrown.getMessage());
            assertEquals(0, s.runs(), "no guarded body ran on the follower");
        }
    }

    @Test
    void onTheLeaderEveryGuardedMethodRunsAndSeesTheFencingToken() throws Exception {
        // TestNode's long lease: the only node, once it leads, leads for the whole test.
        try (TestNode node = node(TestNode.uniqueNamespace())) {
            FollowerService s = node.select(FollowerService.class);
            LeaderElection election = node.select(LeaderElection.class);
            assertTrue(election.awaitLeadership(Waits.soon()), "the only node leads");

            s.voidJob();
            assertEquals(Optional.of("ran"), s.optionalJob());
            assertEquals(OptionalInt.of(7), s.optionalIntJob());
            assertEquals("ran", s.stageJob().toCompletableFuture().get(Waits.soon().toMillis(), TimeUnit.MILLISECONDS));
            assertEquals("ran", s.futureJob().get(Waits.soon().toMillis(), TimeUnit.MILLISECONDS));
            assertEquals(election.fencingToken(), s.tokenJob());
            assertTrue(s.tokenJob().isPresent());
            s.count();
            s.mustRun();
            assertEquals(9, s.runs());
        }
    }
}
