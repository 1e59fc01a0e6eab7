package dev.baton.cdi.inheritance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderElection;
import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.cdi.ElectionGroup;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.cdi.testkit.Waits;
import dev.baton.engine.Baton;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class InheritanceTest {

    @Test
    void inheritedAnnotationsGuardEachBeanInItsOwnGroup() throws Exception {
        String ns = TestNode.uniqueNamespace();
        // This node will lead "inherited" and "own" but not "regrouped".
        MemoryLeaseStore.shared(ns).tryAcquire("regrouped", "someone-else", Duration.ofMinutes(5));
        try (TestNode node = TestNode.builder().config("baton.memory.namespace", ns)
                .beans(InheritingJobs.class, RegroupedJobs.class).start()) {
            Set<String> groups = node.select(Baton.class).elections().stream()
                    .map(LeaderElection::group).collect(Collectors.toSet());
            assertEquals(Set.of("inherited", "own", "regrouped"), groups);
            for (String g : new String[] {"inherited", "own"}) {
                assertTrue(node.select(LeaderElection.class, ElectionGroup.Literal.of(g))
                        .awaitLeadership(Waits.soon()), g);
            }
            BaseJobs.RAN.clear();
            node.select(InheritingJobs.class).classWide();
            node.select(RegroupedJobs.class).classWide();
            node.select(InheritingJobs.class).ownGroup();
            node.select(RegroupedJobs.class).ownGroup();
            assertEquals(Set.of("InheritingJobs.classWide", "InheritingJobs.ownGroup", "RegroupedJobs.ownGroup"),
                    Set.copyOf(BaseJobs.RAN));
            assertEquals(3, BaseJobs.RAN.size());
        }
    }
}
