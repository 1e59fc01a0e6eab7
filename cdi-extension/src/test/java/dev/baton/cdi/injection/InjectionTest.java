package dev.baton.cdi.injection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.HeldLease;
import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import dev.baton.cdi.testkit.LogCapture;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.engine.Baton;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class InjectionTest {

    @Test
    void everyGroupNamedByAnnotationsInjectionPointsAndConfigStartsWithTheApplication() throws Exception {
        try (LogCapture log = new LogCapture();
                TestNode node = TestNode.builder()
                        .config("baton.memory.namespace", TestNode.uniqueNamespace())
                        .config("baton.group", "main")
                        .config("baton.participant", "injected")
                        .env("BATON_GROUPS_REPORTS_TTL", "3s")
                        .beans(InjectionService.class)
                        .start()) {
            InjectionService s = node.select(InjectionService.class);
            Baton baton = s.baton();
            Set<String> started = baton.elections().stream().map(LeaderElection::group).collect(Collectors.toSet());
            assertEquals(Set.of("main", "reports", "jobs"), started);

            assertEquals("main", s.defaultElection().group());
            assertEquals("injected", s.defaultElection().participant());
            assertEquals("reports", s.reports().group());
            assertSame(baton.existingElection("reports").orElseThrow(), s.reports());

            LeaderElection dynamic = s.lookup("dynamic");
            assertEquals("dynamic", dynamic.group());
            assertTrue(baton.existingElection("dynamic").isPresent(), "a group looked up at run time starts then");
            assertThrows(IllegalArgumentException.class, () -> ElectionGroup.Literal.of("Not Valid"));

            // The environment-variable form of baton.groups.reports.ttl reached the group's settings.
            String started0200 = log.lines().stream().filter(l -> l.contains("BATON-CDI-0200")).findFirst()
                    .orElseThrow();
            assertTrue(started0200.contains("reports (ttl 3s, renew 1s)"), started0200);
            assertTrue(started0200.contains("main (ttl " + TestNode.DEFAULT_TTL + ", renew "
                    + TestNode.DEFAULT_RENEW_INTERVAL + ")"), started0200);
            assertTrue(started0200.contains("participant injected"), started0200);
            assertTrue(started0200.contains("single host only"), started0200);

            // A lease far longer than the test, so that it is surely still held (and valid) when checked below.
            Optional<HeldLease> lease = s.leases().tryAcquire("bootstrap-once", Duration.ofSeconds(60));
            assertTrue(lease.isPresent());
            try (HeldLease held = lease.get()) {
                assertTrue(held.isValid());
                assertTrue(held.fencingToken() > 0);
                assertFalse(s.leases().tryAcquire("bootstrap-once", Duration.ofSeconds(60)).isPresent(),
                        "a held lease cannot be acquired twice");
            }
        }
    }
}
