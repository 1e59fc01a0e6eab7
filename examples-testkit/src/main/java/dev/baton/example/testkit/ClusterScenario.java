package dev.baton.example.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;

/**
 * The cluster scenario every example passes, whatever its runtime: three instances on the file backend sharing a
 * fresh lease directory; through their HTTP endpoints, the scheduled job runs on the leader only, events and readiness
 * tell the truth, and leadership moves when the leader freezes (SIGSTOP, like a long GC pause), stops gracefully
 * (SIGTERM) and crashes (SIGKILL). A subclass supplies the runtime (a {@link Launcher}) and its own {@code @Test}.
 */
public abstract class ClusterScenario {

    /** ttl is 3 s: a frozen leader's lease expires within that, plus a renew interval and a job period. */
    private static final Duration FAILOVER = Duration.ofSeconds(20);

    /** The instances of the running test; stopped after each test. */
    protected final Cluster cluster = new Cluster();
    /** Instances that have led at some point: they may have run the job, but never while another led. */
    private final Set<Instance> formerLeaders = new HashSet<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        cluster.close();
    }

    /**
     * Runs the whole scenario.
     *
     * @param launcher how this runtime starts an instance
     * @param leaseDir the file backend's directory, fresh for this test
     * @param boot how long three instances may take to start and elect (scaled)
     * @param logDir where the instances' output goes
     */
    protected void leadershipMovesWhenTheLeaderFreezesStopsAndCrashes(Launcher launcher, Path leaseDir,
            Duration boot, Path logDir) throws Exception {
        for (String name : List.of("node-1", "node-2", "node-3")) {
            cluster.add(Instance.launch(launcher, name, "/baton",
                    Map.of("BATON_BACKEND", "file",
                            "BATON_FILE_DIR", leaseDir.toString(),
                            "BATON_PARTICIPANT", name),
                    logDir));
        }
        cluster.awaitAllAnswering(boot);

        // One leader; while it ran the job twice (>= 2 s) nobody else ran it.
        Cluster.Leadership first = cluster.awaitOneLeaderRunning(boot, 2);
        assertOnlyTheLeaderRuns(first);
        for (Instance instance : cluster.alive()) {
            assertReadinessShowsBaton(instance, first);
        }

        // Freeze: the leader cannot renew, its lease expires, another takes over. When it wakes up it knows it
        // lost leadership by its own clock and does not run the job any more.
        first.leader().pause();
        Cluster.Leadership second = failover(first, "SIGSTOP");
        first.leader().resume();
        JsonObject woken = Waits.until(first.leader() + " follows " + second.leader() + " after waking up", FAILOVER,
                () -> first.leader().status().filter(s -> "FOLLOWER".equals(s.getString("role"))
                        && second.leader().name().equals(s.getString("leader", null))),
                cluster::describe);
        assertTrue(woken.getJsonArray("transitions").stream().map(JsonValue::asJsonObject)
                        .anyMatch(t -> "reports".equals(t.getString("group")) && "LEADER".equals(
                                t.getString("previousRole")) && "FOLLOWER".equals(t.getString("role"))),
                "the woken leader observed losing the group: " + woken);
        assertOnlyTheLeaderRuns(cluster.awaitOneLeaderRunning(FAILOVER, second.status().getInt("jobRuns") + 1));

        // Graceful stop: the leader releases on shutdown, a follower takes over at once and runs the job.
        second.leader().terminate();
        Cluster.Leadership third = failover(second, "SIGTERM");

        // Crash: nothing is released; the file backend sees the dead holder's liveness lock freed.
        third.leader().kill();
        Cluster.Leadership fourth = failover(third, "SIGKILL");
        assertEquals(1, cluster.alive().size(), cluster.describe());
        assertEquals(fourth.leader(), cluster.alive().get(0));
    }

    /** Waits for another instance to lead and run the job after {@code previous} was signalled. */
    private Cluster.Leadership failover(Cluster.Leadership previous, String signal) {
        long signalled = System.nanoTime();
        formerLeaders.add(previous.leader());
        Cluster.Leadership next = cluster.awaitOneLeaderRunning(FAILOVER, 1);
        System.out.printf("%s on %s: %s took over and ran the job after %d ms%n", signal, previous.leader().name(),
                next.leader().name(), (System.nanoTime() - signalled) / 1_000_000);
        assertNotEquals(previous.leader(), next.leader());
        assertTrue(next.token() > previous.token(), "fencing token must grow: " + previous.token() + " -> "
                + next.token());
        assertOnlyTheLeaderRuns(next);
        return next;
    }

    /**
     * The leader observed the event that made it leader (with its current token) and has run the job; no other
     * instance has run it since then: those that never led ran it zero times, former leaders last ran it before.
     */
    private void assertOnlyTheLeaderRuns(Cluster.Leadership current) {
        Instant acquired = current.acquiredAt().orElseThrow(() -> new AssertionError(
                "the leader observed FOLLOWER -> LEADER for reports with token " + current.token() + ": "
                        + current.status()));
        for (Map.Entry<Instance, JsonObject> e : cluster.statuses().entrySet()) {
            long runs = e.getValue().getJsonNumber("jobRuns").longValue();
            if (e.getKey() == current.leader()) {
                assertTrue(runs > 0, "the leader ran the job: " + e.getValue());
            } else if (!formerLeaders.contains(e.getKey())) {
                assertEquals(0, runs, e.getKey() + " never led and must not have run the job: " + cluster.describe());
            } else {
                Optional<Instant> last = Optional.ofNullable(e.getValue().getString("lastJobRun", null))
                        .map(Instant::parse);
                assertTrue(last.isEmpty() || last.get().isBefore(acquired), e.getKey() + " last ran the job at "
                        + last.orElse(null) + ", after " + current.leader() + " took over at " + acquired + ": "
                        + cluster.describe());
            }
        }
    }

    /**
     * {@code /health/ready} is UP (on a follower too: ready means "can take part") and carries Baton's check, whose
     * data tells this instance's role in the {@code reports} group, the leader and, on the leader, the token.
     */
    private void assertReadinessShowsBaton(Instance instance, Cluster.Leadership leadership) {
        HttpResponse<String> response = instance.get("/health/ready")
                .orElseThrow(() -> new AssertionError(instance + " did not answer /health/ready"));
        assertEquals(200, response.statusCode(), response.body());
        JsonObject health = Instance.json(response.body());
        assertEquals("UP", health.getString("status"), response.body());
        JsonObject baton = health.getJsonArray("checks").stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> "baton".equals(c.getString("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no check named baton: " + response.body()));
        assertEquals("UP", baton.getString("status"), response.body());
        JsonObject data = baton.getJsonObject("data");
        assertEquals(instance.name(), data.getString("participant"), response.body());
        assertEquals(leadership.leader().name(), data.getString("reports.leader"), response.body());
        boolean leads = instance == leadership.leader();
        assertEquals(leads ? "leader" : "follower", data.getString("reports.role"), response.body());
        if (leads) {
            // Helidon keeps the number, Payara turns every data value into a string.
            JsonValue token = data.get("reports.token");
            String shown = token instanceof JsonString js ? js.getString() : String.valueOf(token);
            assertEquals(Long.toString(leadership.token()), shown, response.body());
        } else {
            assertFalse(data.containsKey("reports.token"), response.body());
        }
    }
}
