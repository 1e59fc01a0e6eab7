package dev.baton.cdi.defaultgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.cdi.ElectionGroup;
import dev.baton.cdi.testkit.Failures;
import dev.baton.cdi.testkit.LogCapture;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.cdi.testkit.Waits;
import dev.baton.engine.Baton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DefaultGroupTest {

    @BeforeEach
    void clear() {
        NamedOnlyService.SEEN.clear();
    }

    private static TestNode.Builder node(Class<?>... beans) {
        return TestNode.builder()
                .config("baton.memory.namespace", TestNode.uniqueNamespace())
                .beans(beans);
    }

    /** Read through the engine, which does not start anything (an unqualified LeaderElection lookup would). */
    private static Set<String> started(TestNode node) {
        return node.select(Baton.class).elections().stream().map(LeaderElection::group).collect(Collectors.toSet());
    }

    private static String startupLine(LogCapture log) {
        return log.lines().stream().filter(l -> l.contains("BATON-CDI-0200")).findFirst().orElseThrow();
    }

    @Test
    void anAppUsingOnlyANamedGroupRunsOnlyThatElection() throws Exception {
        try (LogCapture log = new LogCapture();
                TestNode node = node(NamedOnlyService.class)
                        // Configuring the default group does not make it used...
                        .config("baton.groups.default.ttl", "3s")
                        .start()) {
            assertEquals(Set.of("reports"), started(node));
            LeaderElection reports = node.select(LeaderElection.class, ElectionGroup.Literal.of("reports"));
            assertTrue(reports.awaitLeadership(Waits.soon()));

            Map<String, Object> data = node.select(HealthCheck.class, Readiness.Literal.INSTANCE).call()
                    .getData().orElseThrow();
            assertTrue(data.containsKey("reports.role"), data.toString());
            assertTrue(data.keySet().stream().noneMatch(k -> k.startsWith("default.")), data.toString());

            // Reports' ACQUIRED was announced; nothing was ever announced for a default group.
            Waits.poll(NamedOnlyService.SEEN, e -> e.group().equals("reports") && e.cause() == ChangeCause.ACQUIRED,
                    "ACQUIRED of group 'reports'");
            List<String> groups = NamedOnlyService.SEEN.stream().map(LeadershipChanged::group).toList();
            assertFalse(groups.contains("default"), groups.toString());

            String line = startupLine(log);
            assertTrue(line.contains("default group 'default' (not started: nothing uses it yet); groups reports (ttl"),
                    line);
            // ...and is no typo to warn about.
            assertFalse(log.text().contains("BATON-CDI-0202"), log.text());
            assertEquals(Set.of("reports"), started(node), "still only reports");
        }
    }

    @Test
    void theDefaultGroupsConfigurationIsStillValidatedWhenNothingUsesIt() {
        String failure = Failures.deploymentFailure(() -> node(NamedOnlyService.class)
                .config("baton.groups.default.ttl", "never").start());
        assertTrue(failure.contains("BATON-CDI-0104: baton.groups.default.ttl='never' is invalid"), failure);
    }

    @Test
    void aLeaderWithoutAValueStartsTheDefaultGroupWithTheApplication() throws Exception {
        try (LogCapture log = new LogCapture();
                TestNode node = node(DefaultLeaderService.class, NamedOnlyService.class)
                        .config("baton.group", "main")
                        .start()) {
            assertEquals(Set.of("main", "reports"), started(node));
            String line = startupLine(log);
            assertTrue(line.contains("default group 'main'; groups main (ttl " + TestNode.DEFAULT_TTL), line);
        }
    }

    @Test
    void anUnqualifiedLeaderElectionInjectionPointStartsTheDefaultGroupWithTheApplication() throws Exception {
        try (TestNode node = node(DefaultInjectionService.class).start()) {
            // Checked before the service exists: the group started with the application, not on injection.
            assertEquals(Set.of("default"), started(node));
            LeaderElection election = node.select(DefaultInjectionService.class).election();
            assertEquals("default", election.group());
            assertTrue(election.awaitLeadership(Waits.soon()));
            assertEquals(Status.UP, node.select(HealthCheck.class, Readiness.Literal.INSTANCE).call().getStatus());
        }
    }

    @Test
    void aStereotypeWithLeaderStartsTheDefaultGroupAndGuardsItsBeans() throws Exception {
        String ns = TestNode.uniqueNamespace();
        // Another participant leads the default group for longer than the test: this node stays a follower.
        MemoryLeaseStore.shared(ns).tryAcquire("default", "someone-else", Duration.ofMinutes(5));
        try (TestNode node = TestNode.builder().config("baton.memory.namespace", ns)
                .beans(StereotypedService.class).start()) {
            assertEquals(Set.of("default"), started(node));
            LeaderElection election = node.select(Baton.class).existingElection("default").orElseThrow();
            Waits.until(() -> election.leader().isPresent(), "the node to learn who leads");
            int before = StereotypedService.RUNS.get();
            node.select(StereotypedService.class).job();
            assertEquals(before, StereotypedService.RUNS.get(), "a follower does not run a stereotype-guarded job");
        }
    }

    @Test
    void anInstanceLookupStartsTheDefaultGroupOnDemand() throws Exception {
        try (TestNode node = node(LookupService.class, NamedOnlyService.class).start()) {
            assertEquals(Set.of("reports"), started(node));
            LeaderElection looked = node.select(LookupService.class).lookup();
            assertEquals("default", looked.group());
            assertEquals(Set.of("default", "reports"), started(node));
            assertTrue(looked.awaitLeadership(Waits.soon()));
        }
    }
}
