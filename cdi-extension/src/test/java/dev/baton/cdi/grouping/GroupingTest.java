package dev.baton.cdi.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderElection;
import dev.baton.NotLeaderException;
import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.cdi.ElectionGroup;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.cdi.testkit.Waits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupingTest {

    @Test
    void theMethodsGroupWinsOverTheClasssGroup() throws Exception {
        String ns = TestNode.uniqueNamespace();
        MemoryLeaseStore.shared(ns).tryAcquire("nightly", "someone-else", Duration.ofMinutes(5));
        try (TestNode node = TestNode.builder().config("baton.memory.namespace", ns)
                .beans(GroupingService.class).start()) {
            LeaderElection hourly = node.select(LeaderElection.class, ElectionGroup.Literal.of("hourly"));
            assertTrue(hourly.awaitLeadership(Waits.soon()));
            GroupingService.RAN.clear();
            GroupingService s = node.select(GroupingService.class);
            s.nightly();
            s.hourly();
            assertEquals(List.of("hourly"), GroupingService.RAN, "only the method in the group this node leads ran");
            // ran() is guarded by the class-level @Leader too, and this node does not lead "nightly".
            NotLeaderException e = assertThrows(NotLeaderException.class, s::ran);
            assertEquals("nightly", e.group());
            assertEquals("static", GroupingService.helper());
        }
    }
}
