package dev.baton.metrics.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.engine.Baton;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Two participants on one in-memory store, each with its own {@link SimpleMeterRegistry}: the meters tell who leads,
 * count the transitions and store calls, and move when leadership does.
 */
class BatonMetricsTest {

    /** Long leases: the leader keeps its tenure however busy the machine; the handover is by shutdown (notified). */
    private static final ElectionSettings SETTINGS =
            ElectionSettings.of(Duration.ofSeconds(60), Duration.ofSeconds(1));
    private static final Duration PATIENCE = Duration.ofSeconds(30)
            .multipliedBy(Math.max(1, Long.getLong("baton.test.timing-multiple", 1)));

    private static Baton participant(String namespace, String id) {
        return Baton.builder().store(MemoryLeaseStore.shared(namespace)).participant(id).defaults(SETTINGS).build();
    }

    private static double gauge(MeterRegistry r, String name, String group) {
        return RequiredSearch.in(r).name(name).tag("group", group).gauge().value();
    }

    private static double count(MeterRegistry r, String name, String... tags) {
        return r.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out after " + PATIENCE + " waiting until " + what);
            }
            Thread.sleep(10); // the poll interval of a bounded wait
        }
    }

    @Test
    void metersFollowLeadershipAcrossAHandover() throws Exception {
        String namespace = "metrics-" + UUID.randomUUID();
        MeterRegistry registryA = new SimpleMeterRegistry();
        MeterRegistry registryB = new SimpleMeterRegistry();
        Baton a = participant(namespace, "a");
        try (Baton b = participant(namespace, "b")) {
            new BatonMetrics(a).bindTo(registryA);
            LeaderElection electionA = a.election("reports");
            assertTrue(electionA.awaitLeadership(PATIENCE));
            // Bound after the group started: it still gets its meters.
            LeaderElection electionB = b.election("reports");
            new BatonMetrics(b).bindTo(registryB);
            await("b knows a leads", () -> electionB.leader().isPresent());

            assertEquals(1, gauge(registryA, "baton.leader", "reports"));
            assertEquals(electionA.fencingToken().getAsLong(), gauge(registryA, "baton.fencing.token", "reports"));
            assertEquals(0, gauge(registryB, "baton.leader", "reports"));
            assertEquals(0, gauge(registryB, "baton.fencing.token", "reports"));
            assertEquals(1, gauge(registryB, "baton.leader.known", "reports"));
            assertEquals(1, RequiredSearch.in(registryA).name("baton.groups.led").gauge().value());
            await("a's ACQUIRED is counted", () -> count(registryA, "baton.transitions", "cause", "ACQUIRED") == 1);
            assertTrue(RequiredSearch.in(registryA).name("baton.store.calls").tag("operation", "acquire")
                    .tag("outcome", "success").timer().count() >= 1);
            await("a's leading time grows", () -> RequiredSearch.in(registryA).name("baton.leading.time")
                    .functionCounter().count() > 0);

            a.close(); // releases: b takes over at once
            assertTrue(electionB.awaitLeadership(PATIENCE));
            await("b's ACQUIRED is counted", () -> count(registryB, "baton.transitions", "cause", "ACQUIRED") == 1);
            assertEquals(1, gauge(registryB, "baton.leader", "reports"));
            assertEquals(electionB.fencingToken().getAsLong(), gauge(registryB, "baton.fencing.token", "reports"));
            assertTrue(gauge(registryB, "baton.fencing.token", "reports") > electionA.status().fencingToken()
                    .orElse(0), "b's token is newer than any a held");
            assertEquals(0, gauge(registryA, "baton.leader", "reports"));
            assertEquals(1, count(registryA, "baton.transitions", "cause", "SHUTDOWN"));
            assertTrue(RequiredSearch.in(registryA).name("baton.store.calls").tag("operation", "release").timer()
                    .count() >= 1);
            // a stopped leading: its leading time no longer grows.
            double stopped = RequiredSearch.in(registryA).name("baton.leading.time").functionCounter().count();
            Thread.sleep(50); // lets time pass: the counter must not move
            assertEquals(stopped, RequiredSearch.in(registryA).name("baton.leading.time").functionCounter().count());
            assertEquals(0, count(registryA, "baton.deadline.missed"));
            assertEquals(0, count(registryA, "baton.backend.errors"));
        } finally {
            a.close();
        }
    }

    @Test
    void leaderlessTimeGrowsOnlyWhileNoLeaderIsKnown() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Baton baton = participant("metrics-" + UUID.randomUUID(), "solo")) {
            new BatonMetrics(baton).bindTo(registry);
            LeaderElection election = baton.election("reports");
            assertTrue(election.awaitLeadership(PATIENCE));
            double leading = leaderless(registry);
            Thread.sleep(50); // lets time pass: while it leads, the counter must not move
            assertEquals(leading, leaderless(registry));

            // Stepping down alone: the participant knows no leader until it leads again after its back-off.
            election.stepDown();
            assertTrue(election.leader().isEmpty());
            assertTrue(election.awaitLeadership(PATIENCE));
            double after = leaderless(registry);
            assertTrue(after > leading, () -> "the back-off without a leader was counted: " + leading + " -> " + after);
            Thread.sleep(50);
            assertEquals(after, leaderless(registry));
        }
    }

    private static double leaderless(MeterRegistry r) {
        return RequiredSearch.in(r).name("baton.leaderless.time").tag("group", "reports").functionCounter().count();
    }

    @Test
    void oneOffLeasesShareOneTagAndABinderBindsOnce() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Baton baton = participant("metrics-" + UUID.randomUUID(), "solo")) {
            BatonMetrics metrics = new BatonMetrics(baton);
            metrics.bindTo(registry);
            assertThrows(IllegalStateException.class, () -> metrics.bindTo(new SimpleMeterRegistry()));
            baton.leases().tryAcquire("invoice-42", Duration.ofSeconds(30)).orElseThrow().close();
            assertTrue(RequiredSearch.in(registry).name("baton.store.calls").tag("group", BatonMetrics.ONE_OFF)
                    .tag("operation", "acquire").timer().count() >= 1);
            assertTrue(registry.find("baton.store.calls").tag("group", "invoice-42").timers().isEmpty());
        }
    }
}
