package dev.baton.quarkus.tests.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.Role;
import dev.baton.quarkus.tests.events.EventsService.Seen;
import dev.baton.quarkus.tests.testkit.Apps;
import dev.baton.quarkus.tests.testkit.Waits;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** cdi-extension's events/EventsTest on ArC: LeadershipChanged reaches @Observes and @ObservesAsync, in order. */
class EventsTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = Apps.app("quarkus-tests-events", EventsService.class)
            .overrideConfigKey("baton.participant", "observed")
            // A step-down keeps this participant out of the race for one renew interval: short, to re-acquire soon.
            .overrideConfigKey("baton.lease.renew-interval", "500ms");

    @Inject
    EventsService service;

    /** The next three events: the acquisition at start, the step-down, the acquisition after it. */
    private static List<Seen> threeEvents(BlockingQueue<Seen> queue, String kind) throws InterruptedException {
        List<Seen> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            seen.add(Waits.next(queue, "event " + (i + 1) + " of 3 at the " + kind + " observer (so far " + seen
                    + ")"));
        }
        return seen;
    }

    private static void assertChange(LeadershipChanged e, ChangeCause cause, Role role, long token) {
        assertEquals("default", e.group(), e.toString());
        assertEquals("observed", e.participant(), e.toString());
        assertEquals(cause, e.cause(), e.toString());
        assertEquals(role, e.role(), e.toString());
        assertEquals(role == Role.LEADER ? Role.FOLLOWER : Role.LEADER, e.previousRole(), e.toString());
        assertEquals(token, e.fencingToken().orElseThrow(), e.toString());
    }

    @Test
    void syncAndAsyncObserversSeeAcquiredWithTheTokenAndEveryLaterChangeInOrder() throws Exception {
        LeaderElection election = service.election();
        assertTrue(election.awaitLeadership(Waits.soon()), "the only participant leads");
        long first = election.fencingToken().orElseThrow();
        // Step down once leading: RELEASED, then (alone, after one renew interval) ACQUIRED again with a new token.
        election.stepDown();

        List<Seen> sync = threeEvents(EventsService.SYNC, "@Observes");
        List<Seen> async = threeEvents(EventsService.ASYNC, "@ObservesAsync");
        for (List<Seen> seen : List.of(sync, async)) {
            assertChange(seen.get(0).event(), ChangeCause.ACQUIRED, Role.LEADER, first);
            assertTrue(seen.get(0).event().acquired());
            assertChange(seen.get(1).event(), ChangeCause.RELEASED, Role.FOLLOWER, first);
            assertTrue(seen.get(1).event().lost());
            long second = seen.get(2).event().fencingToken().orElseThrow();
            assertTrue(second > first, "a new tenure has a larger token: " + seen);
            assertChange(seen.get(2).event(), ChangeCause.ACQUIRED, Role.LEADER, second);
        }
        assertEquals(sync.stream().map(Seen::event).toList(), async.stream().map(Seen::event).toList(),
                "both kinds of observer see the same events in the same order");
        assertTrue(election.awaitLeadership(Waits.soon()));
        assertEquals(sync.get(2).event().fencingToken(), election.fencingToken(), "the election agrees");

        for (Seen s : sync) {
            assertTrue(s.thread().startsWith("baton-events-"), "sync observers run on Baton's event thread: " + s);
        }
        for (Seen s : async) {
            assertFalse(s.thread().startsWith("baton-"), "async observers run on the container's executor: " + s);
        }
    }
}
