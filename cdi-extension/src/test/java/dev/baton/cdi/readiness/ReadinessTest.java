package dev.baton.cdi.readiness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderElection;
import dev.baton.cdi.testkit.FaultyLeaseStoreFactory;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.cdi.testkit.Waits;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    @AfterEach
    void heal() {
        FaultyLeaseStoreFactory.FAILING.set(false);
    }

    /** A node with TestNode's long lease: the leader stays the leader for the whole test. */
    private static TestNode node(String backend, String namespace, String participant) {
        return builder(backend, namespace, participant).start();
    }

    private static TestNode.Builder builder(String backend, String namespace, String participant) {
        return TestNode.builder()
                .config("baton.backend", backend)
                .config("baton.memory.namespace", namespace)
                .config("baton.faulty.namespace", namespace)
                .config("baton.participant", participant)
                .config("baton.groups.active.readiness", "leader-only")
                .config("baton.shutdown-timeout", "2s")
                .beans(ReadinessService.class);
    }

    private static HealthCheckResponse check(TestNode node) {
        return node.select(HealthCheck.class, Readiness.Literal.INSTANCE).call();
    }

    @Test
    void upWithDataOnTheLeaderAndDownOnTheFollowerOfALeaderOnlyGroup() throws Exception {
        String ns = TestNode.uniqueNamespace();
        try (TestNode a = node("memory", ns, "a"); TestNode b = node("memory", ns, "b")) {
            LeaderElection ea = a.select(ReadinessService.class).active();
            LeaderElection eb = b.select(ReadinessService.class).active();
            boolean aLeads = Waits.untilPresent(() -> ea.isLeader() ? Optional.of(true)
                    : eb.isLeader() ? Optional.of(false) : Optional.empty(), "a leader of group 'active'");
            TestNode leader = aLeads ? a : b;
            TestNode follower = aLeads ? b : a;
            String leaderId = aLeads ? "a" : "b";
            Waits.until(() -> check(follower).getData().orElseThrow().containsKey("active.leader"),
                    "the follower to learn the leader");

            HealthCheckResponse up = check(leader);
            Map<String, Object> data = up.getData().orElseThrow();
            assertEquals("baton", up.getName());
            assertEquals(Status.UP, up.getStatus(), data.toString());
            assertEquals("leader", data.get("active.role"));
            assertEquals(leaderId, data.get("active.leader"));
            assertTrue(data.get("active.token") instanceof Long, data.toString());
            assertTrue(data.get("backend").toString().startsWith("memory"), data.toString());
            assertEquals(leaderId, data.get("participant"));
            // Nothing uses the default group, so it does not compete and has no entry.
            assertTrue(data.keySet().stream().noneMatch(k -> k.startsWith("default.")), data.toString());

            HealthCheckResponse down = check(follower);
            Map<String, Object> fdata = down.getData().orElseThrow();
            assertEquals(Status.DOWN, down.getStatus(), fdata.toString());
            assertEquals("follower", fdata.get("active.role"));
            assertEquals(leaderId, fdata.get("active.leader"));
            assertTrue(fdata.get("active.down").toString().contains("leader-only"), fdata.toString());
            // The leader advertises no metadata: no url to show (MetadataTest shows one).
            assertFalse(fdata.containsKey("active.leader.url"), fdata.toString());
            assertFalse(fdata.keySet().stream().anyMatch(k -> k.startsWith("default.")), fdata.toString());
        }
    }

    @Test
    void downWithTheCauseOnceTheBackendHasBeenUnreachableForALease() throws Exception {
        // This test is about a lease length of failures, so a short lease (its own, not TestNode's long one), and
        // nothing below assumes the node keeps leading while the backend answers.
        try (TestNode node = builder("faulty", TestNode.uniqueNamespace(), "lonely")
                .config("baton.lease.ttl", "1s")
                .config("baton.lease.renew-interval", "300ms")
                .start()) {
            LeaderElection active = node.select(ReadinessService.class).active();
            assertTrue(active.awaitLeadership(Waits.soon()));
            // A normal (not leader-only) group, so that only the unreachable backend makes it DOWN: nothing uses the
            // default group, so this lookup starts it.
            LeaderElection normal = node.select(LeaderElection.class);
            assertTrue(normal.awaitLeadership(Waits.soon()));
            // Leading "active" with a 1 s lease: a starved renewal may drop it for a moment, so wait for UP rather
            // than sampling it once; it must come while the backend answers.
            Waits.until(() -> check(node).getStatus() == Status.UP, "readiness UP while the backend answers");

            FaultyLeaseStoreFactory.FAILING.set(true);
            Map<String, Object> data = Waits.untilPresent(() -> {
                HealthCheckResponse r = check(node);
                Map<String, Object> d = r.getData().orElseThrow();
                return r.getStatus() == Status.DOWN && d.containsKey("default.down") ? Optional.of(d)
                        : Optional.empty();
            }, "readiness DOWN after a lease length of failures");
            assertTrue(data.get("default.down").toString().contains("backend unreachable"), data.toString());
            assertTrue(data.get("default.error").toString().contains("connection refused"), data.toString());
            assertEquals("follower", data.get("default.role"), "the leader stepped down at its deadline");

            FaultyLeaseStoreFactory.FAILING.set(false);
            Waits.until(() -> check(node).getStatus() == Status.UP, "readiness UP once the backend answers");
        }
    }
}
