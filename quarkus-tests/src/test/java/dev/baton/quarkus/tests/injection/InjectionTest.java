package dev.baton.quarkus.tests.injection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.HeldLease;
import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import dev.baton.engine.Baton;
import dev.baton.quarkus.tests.testkit.Apps;
import dev.baton.quarkus.tests.testkit.Outsider;
import dev.baton.quarkus.tests.testkit.Waits;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * cdi-extension's injection/, defaultgroup/ and readiness/ tests on ArC: the injectable elections (default group,
 * named group, programmatic lookup), Leases, Baton, and the readiness check's per-group data.
 */
class InjectionTest {
    static final String NAMESPACE = "quarkus-tests-injection";

    @RegisterExtension
    static final QuarkusUnitTest APP = Apps.app(NAMESPACE, InjectionService.class, OutsiderFirst.class)
            .overrideConfigKey("baton.participant", "injected");

    @Inject
    InjectionService service;

    private Map<String, Object> readinessData() {
        List<HealthCheck> named = service.readinessChecks().stream()
                .filter(c -> c.call().getName().equals("baton")).toList();
        assertEquals(1, named.size(), "one readiness check named baton");
        HealthCheckResponse response = named.get(0).call();
        Map<String, Object> data = response.getData().orElseThrow();
        assertEquals(Status.UP, response.getStatus(), data.toString());
        return data;
    }

    @Test
    void electionsLeasesBatonAndTheReadinessCheckAreInjectable() throws Exception {
        Baton outsider = OutsiderFirst.outsider();
        try {
            Baton baton = service.baton();
            // The unqualified injection point is the default group's (baton.group unset: "default"); both groups named
            // by injection points started with the application.
            Set<String> started = baton.elections().stream().map(LeaderElection::group).collect(Collectors.toSet());
            assertEquals(Set.of("default", InjectionService.REPORTS), started);
            assertEquals("default", service.defaultElection().group());
            assertEquals("injected", service.defaultElection().participant());
            assertEquals(InjectionService.REPORTS, service.reports().group());
            assertSame(baton.existingElection(InjectionService.REPORTS).orElseThrow(), service.reports());

            // A group first named by a programmatic lookup starts then.
            LeaderElection dynamic = service.lookup("dynamic");
            assertEquals("dynamic", dynamic.group());
            assertTrue(baton.existingElection("dynamic").isPresent(), "a group looked up at run time starts then");
            assertSame(service.reports(), service.lookup(InjectionService.REPORTS));
            assertThrows(IllegalArgumentException.class, () -> ElectionGroup.Literal.of("Not Valid"));

            // Readiness while the outsider leads "reports": UP (a follower is ready), role follower.
            LeaderElection reports = service.reports();
            Waits.until(() -> reports.leader().equals(Optional.of(Outsider.ID)), "the app to learn the outsider leads");
            assertTrue(service.defaultElection().awaitLeadership(Waits.soon()), "the app alone leads 'default'");
            Map<String, Object> data = readinessData();
            assertEquals("follower", data.get("reports.role"), data.toString());
            assertEquals(Outsider.ID, data.get("reports.leader"), data.toString());
            assertFalse(data.containsKey("reports.token"), data.toString());
            assertEquals("leader", data.get("default.role"), data.toString());
            assertEquals("injected", data.get("participant"), data.toString());
            assertTrue(data.get("backend").toString().startsWith("memory"), data.toString());

            // The outsider releases: the app leads "reports" and readiness says so, with the token.
            outsider.close();
            assertTrue(reports.awaitLeadership(Waits.soon()), "the app leads 'reports' once the outsider released");
            long token = reports.fencingToken().orElseThrow();
            data = readinessData();
            assertEquals("leader", data.get("reports.role"), data.toString());
            assertEquals("injected", data.get("reports.leader"), data.toString());
            assertEquals(token, data.get("reports.token"), data.toString());

            // One-off leases: a lease far longer than the test, so it is surely still held when checked.
            Optional<HeldLease> lease = service.leases().tryAcquire("bootstrap-once", Duration.ofSeconds(60));
            assertTrue(lease.isPresent());
            try (HeldLease held = lease.get()) {
                assertTrue(held.isValid());
                assertTrue(held.fencingToken() > 0);
                assertFalse(service.leases().tryAcquire("bootstrap-once", Duration.ofSeconds(60)).isPresent(),
                        "a held lease cannot be acquired twice");
            }
        } finally {
            outsider.close();
        }
    }
}
