package dev.baton.cdi.stereotype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderElection;
import dev.baton.NotLeaderException;
import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.cdi.testkit.Failures;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.cdi.testkit.Waits;
import dev.baton.engine.Baton;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StereotypeTest {

    private static Set<String> started(TestNode node) {
        return node.select(Baton.class).elections().stream().map(LeaderElection::group).collect(Collectors.toSet());
    }

    /** A node on a fresh namespace where another participant leads "reports" for longer than the test. */
    private static TestNode followerOfReports(Class<?>... beans) throws Exception {
        String ns = TestNode.uniqueNamespace();
        MemoryLeaseStore.shared(ns).tryAcquire("reports", "someone-else", Duration.ofMinutes(5));
        TestNode node = TestNode.builder().config("baton.memory.namespace", ns).beans(beans).start();
        LeaderElection reports = node.select(Baton.class).existingElection("reports").orElseThrow();
        Waits.until(() -> reports.leader().isPresent(), "the node to learn who leads reports");
        return node;
    }

    private static String failure(Class<?>... beans) {
        return Failures.deploymentFailure(() -> TestNode.builder()
                .config("baton.memory.namespace", TestNode.uniqueNamespace()).beans(beans).start());
    }

    @Test
    @DisplayName("a stereotype's @Leader(\"reports\") starts reports (not the default group) and guards with it")
    void guardsWithTheStereotypesGroup() throws Exception {
        try (TestNode node = followerOfReports(ReportService.class)) {
            assertEquals(Set.of("reports"), started(node));
            int before = ReportService.RUNS.get();
            node.select(ReportService.class).run();
            assertEquals(before, ReportService.RUNS.get(), "a follower of reports ran the stereotype-guarded job");
            assertEquals(Set.of("reports"), started(node), "the call started no other group");
        }
    }

    @Test
    @DisplayName("a stereotype's onFollower applies: THROW makes an int method guardable, and a follower throws")
    void followerRuleFromTheStereotype() throws Exception {
        try (TestNode node = followerOfReports(CountService.class)) {
            NotLeaderException e = assertThrows(NotLeaderException.class, () -> node.select(CountService.class).count());
            assertEquals("reports", e.group());
        }
    }

    @Test
    @DisplayName("an invalid group name on a stereotype fails deployment with BATON-CDI-0001, naming the method")
    void invalidNameOnAStereotype() {
        String failure = failure(BadlyNamedService.class);
        assertTrue(failure.contains("BATON-CDI-0001: @Leader on " + BadlyNamedService.class.getName()
                + ".run(): 'Nightly_Job' is not a valid group name"), failure);
    }

    @Test
    @DisplayName("two stereotypes with different @Leader fail deployment with BATON-CDI-0007")
    void conflictingStereotypes() {
        String failure = failure(TwoStereotypesService.class);
        assertTrue(failure.contains("BATON-CDI-0007: bean " + TwoStereotypesService.class.getName()
                + " gets different @Leader annotations from its stereotypes"), failure);
    }
}
