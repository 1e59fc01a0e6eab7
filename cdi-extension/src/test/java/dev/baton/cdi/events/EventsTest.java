package dev.baton.cdi.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.LeaderElection;
import dev.baton.Role;
import dev.baton.cdi.events.EventsService.Seen;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.cdi.testkit.Waits;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventsTest {

    @BeforeEach
    void clear() {
        EventsService.SYNC.clear();
        EventsService.ASYNC.clear();
    }

    /** The next event of this participant's default group with that cause (skipping any other node's). */
    private static Seen next(BlockingQueue<Seen> queue, String participant, ChangeCause cause)
            throws InterruptedException {
        return Waits.poll(queue, s -> s.event().group().equals("default") && s.event().participant().equals(participant)
                && s.event().cause() == cause, cause + " of group 'default' on " + participant);
    }

    private static void assertOffRenewalThreads(Seen seen) {
        assertFalse(seen.thread().startsWith("baton-lease-"), "observer ran on renewal thread " + seen.thread());
    }

    @Test
    void syncAndAsyncObserversSeeAcquiredAtStartAndShutdownAtContainerShutdown() throws Exception {
        // TestNode's long lease: the tenure that starts with ACQUIRED is the one SHUTDOWN ends (same token).
        TestNode node = TestNode.builder()
                .config("baton.memory.namespace", TestNode.uniqueNamespace())
                .config("baton.participant", "observed")
                .beans(EventsService.class)
                .start();
        long token;
        try {
            Seen sync = next(EventsService.SYNC, "observed", ChangeCause.ACQUIRED);
            Seen async = next(EventsService.ASYNC, "observed", ChangeCause.ACQUIRED);
            for (Seen s : new Seen[] {sync, async}) {
                assertOffRenewalThreads(s);
                assertEquals(Role.LEADER, s.event().role());
                assertEquals(Role.FOLLOWER, s.event().previousRole());
                assertEquals("observed", s.event().participant());
                assertTrue(s.event().fencingToken().isPresent());
            }
            assertTrue(sync.thread().startsWith("baton-events-"), "sync observers run on Baton's event thread");
            assertFalse(async.thread().startsWith("baton-"), "async observers run on the container's executor: "
                    + async.thread());
            LeaderElection election = node.select(LeaderElection.class);
            token = election.fencingToken().orElseThrow();
            assertEquals(token, sync.event().fencingToken().getAsLong());
        } finally {
            node.close();
        }
        // Shutdown delivered both before close() returned; poll anyway to report clearly if not.
        Seen sync = next(EventsService.SYNC, "observed", ChangeCause.SHUTDOWN);
        Seen async = next(EventsService.ASYNC, "observed", ChangeCause.SHUTDOWN);
        for (Seen s : new Seen[] {sync, async}) {
            assertOffRenewalThreads(s);
            assertEquals(Role.FOLLOWER, s.event().role());
            assertEquals(token, s.event().fencingToken().getAsLong());
            assertTrue(s.event().lost());
        }
    }

    @Test
    void stepDownIsAnnouncedAsReleased() throws Exception {
        // TestNode's long lease: the node still leads when it steps down, so the step-down ends a tenure.
        try (TestNode node = TestNode.builder()
                .config("baton.memory.namespace", TestNode.uniqueNamespace())
                .config("baton.participant", "stepping-down")
                .beans(EventsService.class)
                .start()) {
            LeaderElection election = node.select(LeaderElection.class);
            Seen acquired = next(EventsService.SYNC, "stepping-down", ChangeCause.ACQUIRED);
            election.stepDown();
            Seen released = next(EventsService.SYNC, "stepping-down", ChangeCause.RELEASED);
            assertTrue(released.event().lost());
            assertEquals(acquired.event().fencingToken(), released.event().fencingToken());
            next(EventsService.ASYNC, "stepping-down", ChangeCause.RELEASED);
        }
    }
}
