package dev.baton.example.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/**
 * The cluster scenario every example passes, whatever its runtime: three instances on the file backend sharing a
 * fresh lease directory; through their HTTP endpoints, the scheduled job runs on the leader only, events and readiness
 * tell the truth, and leadership moves when the leader freezes (SIGSTOP, like a long GC pause), stops gracefully
 * (SIGTERM) and crashes (SIGKILL). When the example has a {@code @LeaderOnly} resource
 * ({@link Launcher#leaderOnlyPath()}), every instance advertises its url, and a request to a follower ends on the
 * leader, before and after a takeover. A subclass supplies the runtime (a {@link Launcher}) and its own {@code @Test}.
 */
public abstract class ClusterScenario {

    /**
     * How long a takeover may take (scaled): ttl is 3 s, so a frozen or crashed leader's lease expires within that,
     * then a follower acquires it and the job's next firing (every 2 s) runs. On a quiet machine that is under 6 s;
     * on a busy 2-core machine every step waits for a CPU, so the bound is generous: it only costs time on failure.
     */
    private static final Duration FAILOVER = Duration.ofSeconds(90);

    /** The instances of the running test; stopped after each test. */
    protected final Cluster cluster = new Cluster();

    @AfterEach
    void stopAll() throws InterruptedException {
        cluster.close();
    }

    /**
     * Runs the whole scenario. Safety is asserted on every answer (see {@link Cluster}): never two leaders with one
     * token, never a leader with an older token than one already seen, never a run of the job by another instance in
     * a leader's tenure. Which instance leads at each step is whatever the election decided: the scenario follows it.
     *
     * @param launcher how this runtime starts an instance
     * @param leaseDir the file backend's directory, fresh for this test
     * @param boot how long three instances may take to start and elect (scaled)
     * @param logDir where the instances' output goes
     */
    protected void leadershipMovesWhenTheLeaderFreezesStopsAndCrashes(Launcher launcher, Path leaseDir,
            Duration boot, Path logDir) throws Exception {
        boolean routing = launcher.leaderOnlyPath().isPresent();
        for (String name : List.of("node-1", "node-2", "node-3")) {
            cluster.add(Instance.launch(launcher, name, "/baton",
                    Map.of("BATON_BACKEND", "file",
                            "BATON_FILE_DIR", leaseDir.toString(),
                            "BATON_PARTICIPANT", name),
                    // Where the others send requests meant for this instance when it leads (its leader metadata).
                    port -> routing ? Map.of("BATON_PARTICIPANT_METADATA_URL", advertisedUrl(port)) : Map.of(),
                    logDir));
        }
        cluster.awaitAllAnswering(boot);

        // One leader; it ran the job twice (>= 2 s) and nobody else ran it in its tenure.
        cluster.awaitOneLeaderRunning(boot, 2);
        Cluster.Leadership first = awaitReadinessShowsBaton(launcher.readinessPath(), routing);
        launcher.metricsPath().ifPresent(path -> awaitMetricsShow(path, "the first election"));
        // A request to a follower of the @LeaderOnly resource is redirected to the leader, which serves it.
        launcher.leaderOnlyPath().ifPresent(path -> awaitRequestsToFollowersEndOnTheLeader(path, "the first election"));

        // Freeze: the leader cannot renew, its lease expires, another takes over. When it wakes up it knows by its
        // own clock that it lost leadership: it announces the loss, and never again reports leading with its old
        // token (checked on every answer) nor runs the job in its successor's tenure.
        Instance frozen = first.leader();
        frozen.pause();
        Cluster.Leadership second = failover(first, "SIGSTOP");
        frozen.resume();
        Instant woke = Instant.now();
        JsonObject woken = Waits.until(frozen + " reports FOLLOWER and the loss of token " + first.token()
                        + " after waking up", FAILOVER,
                () -> frozen.status().filter(s -> "FOLLOWER".equals(s.getString("role"))
                        && lostTenure(s, first.token())),
                cluster::describe);
        Optional<Instant> lastRun = Optional.ofNullable(woken.getString("lastJobRun", null)).map(Instant::parse);
        Instant secondAcquired = second.acquiredAt().orElseThrow();
        // Its tenure was valid until its local deadline, before the lease could expire in the store, so before the
        // successor acquired it (one host, one wall clock): the frozen leader dates the end of its tenure there, not at
        // its wake-up, so that "led from A to B" intervals of two participants never overlap.
        Instant validUntil = Instant.parse(Cluster.transitions(woken).stream()
                .filter(t -> "reports".equals(t.getString("group", null))
                        && "LEADER".equals(t.getString("previousRole", null))
                        && t.get("fencingToken") instanceof JsonNumber n && n.longValue() == first.token())
                .findFirst().orElseThrow().getString("validUntil"));
        assertTrue(!validUntil.isAfter(secondAcquired), frozen + " dated the end of tenure " + first.token() + " at "
                + validUntil + ", after " + second.leader() + " acquired at " + secondAcquired + ": " + woken);
        boolean reacquired = Cluster.acquisitions(woken).stream()
                .anyMatch(t -> t.getJsonNumber("fencingToken").longValue() > second.token());
        assertTrue(reacquired || lastRun.isEmpty() || lastRun.get().isBefore(secondAcquired),
                frozen + " ran the job at " + lastRun.orElse(null) + ", after " + second.leader()
                        + " took over at " + secondAcquired + ": " + woken);
        // The job goes on on one leader after the old one woke up (whoever leads now).
        Cluster.Leadership afterWaking = cluster.awaitOneLeaderRunning(FAILOVER, 1, woke);

        // Graceful stop: the leader releases on shutdown, a follower takes over at once and runs the job.
        afterWaking.leader().terminate();
        Cluster.Leadership third = failover(afterWaking, "SIGTERM");
        launcher.metricsPath().ifPresent(path -> awaitMetricsShow(path, "the takeover after SIGTERM"));
        // The remaining follower now sends requests to the new leader.
        launcher.leaderOnlyPath().ifPresent(path -> awaitRequestsToFollowersEndOnTheLeader(path,
                "the SIGTERM takeover"));

        // Crash: nothing is released; the file backend sees the dead holder's liveness lock freed.
        third.leader().kill();
        Cluster.Leadership fourth = failover(third, "SIGKILL");
        assertEquals(1, cluster.alive().size(), cluster.describe());
        assertEquals(fourth.leader(), cluster.alive().get(0));
    }

    /** Whether a status lists the end of the tenure with {@code token} (LEADER to FOLLOWER, for reports). */
    private static boolean lostTenure(JsonObject status, long token) {
        return Cluster.transitions(status).stream()
                .anyMatch(t -> "reports".equals(t.getString("group", null))
                        && "LEADER".equals(t.getString("previousRole", null))
                        && "FOLLOWER".equals(t.getString("role", null))
                        && t.get("fencingToken") instanceof JsonNumber n && n.longValue() == token);
    }

    /**
     * Waits for another instance to lead and run the job after {@code previous}'s leader was signalled (it is paused
     * or gone, so it is not asked); its token is newer.
     */
    private Cluster.Leadership failover(Cluster.Leadership previous, String signal) {
        long signalled = System.nanoTime();
        Cluster.Leadership next = cluster.awaitOneLeaderRunning(FAILOVER, 1);
        System.out.printf("%s on %s: %s took over and ran the job after %d ms%n", signal, previous.leader().name(),
                next.leader().name(), (System.nanoTime() - signalled) / 1_000_000);
        assertNotEquals(previous.leader(), next.leader());
        assertTrue(next.token() > previous.token(), "fencing token must grow: " + previous.token() + " -> "
                + next.token());
        return next;
    }

    /** @return the url an instance on {@code port} advertises as its leader metadata {@code url} */
    static String advertisedUrl(int port) {
        return "http://localhost:" + port;
    }

    /**
     * Waits until a request to every follower of the {@code @LeaderOnly} resource at {@code path}, following
     * redirects, ends on the leader: the follower answered {@code 307} naming the leader ({@code Baton-Leader}), and
     * the leader, on its own port, answered 200 with its id. It waits because a follower learns the leader's url when
     * it learns of the new holder, which takes a moment after a takeover (until then it answers 503, or redirects to
     * a leader that is gone); the answers of one look must all agree with the leadership read just before it.
     *
     * @param path the resource answering the serving participant's id
     * @param when the step of the scenario, for messages
     */
    private void awaitRequestsToFollowersEndOnTheLeader(String path, String when) {
        String[] lastMismatch = {"(no look yet)"};
        Cluster.Leadership routed = Waits.until("a request to every follower ends on the leader after " + when,
                FAILOVER,
                () -> cluster.oneLeader().flatMap(leadership -> {
                    List<Instance> followers = cluster.alive().stream().filter(i -> i != leadership.leader()).toList();
                    if (followers.isEmpty()) {
                        lastMismatch[0] = "no follower is left to ask";
                        return Optional.empty();
                    }
                    for (Instance follower : followers) {
                        Optional<String> mismatch = routingMismatch(follower, path, leadership);
                        if (mismatch.isPresent()) {
                            lastMismatch[0] = mismatch.get();
                            return Optional.empty();
                        }
                    }
                    return Optional.of(leadership);
                }),
                () -> "last mismatch: " + lastMismatch[0] + "\n" + cluster.describe());
        System.out.printf("after %s: GET %s on the followers ends on %s%n", when, path, routed.leader().name());
    }

    /** @return why a request to {@code follower} did not end on {@code leadership}'s leader, or empty when it did */
    private static Optional<String> routingMismatch(Instance follower, String path, Cluster.Leadership leadership) {
        Instance leader = leadership.leader();
        Optional<HttpResponse<String>> answer = follower.getFollowingRedirects(path);
        if (answer.isEmpty()) {
            return Optional.of("GET " + path + " on " + follower + " (or where it redirected) got no answer");
        }
        HttpResponse<String> response = answer.get();
        Optional<HttpResponse<String>> redirect = response.previousResponse();
        String seen = "GET " + path + " on " + follower + " ended at " + response.uri() + " with "
                + response.statusCode() + " " + response.body().strip()
                + redirect.map(r -> " after " + r.statusCode() + " Location " + r.headers().firstValue("Location")
                        .orElse("-") + " Baton-Leader " + r.headers().firstValue("Baton-Leader").orElse("-"))
                        .orElse(" without a redirect")
                + "; leader " + leader;
        boolean endsOnLeader = response.statusCode() == 200
                && leader.name().equals(response.body().strip())
                && response.uri().getPort() == leader.port()
                && redirect.filter(r -> r.statusCode() == 307
                        && r.uri().getPort() == follower.port()
                        && r.headers().firstValue("Baton-Leader").equals(Optional.of(leader.name()))).isPresent();
        return endsOnLeader ? Optional.empty() : Optional.of(seen);
    }

    /**
     * Waits until the readiness endpoint ({@link Launcher#readinessPath()}) of every instance is UP (on a follower too: ready means "can take part") and
     * carries Baton's check, whose data tells the instance's participant id, its role in the {@code reports} group,
     * the leader and, on the leader only, the token, all agreeing with the leadership read just before. It waits
     * because leadership may move between two answers on a busy machine; then the next look is compared.
     *
     * @param readinessPath the runtime's readiness endpoint
     * @param urlAdvertised whether every instance advertises its url: then the data also shows the leader's
     *     ({@code reports.leader.url})
     * @return the leadership the readiness answers agreed with
     */
    private Cluster.Leadership awaitReadinessShowsBaton(String readinessPath, boolean urlAdvertised) {
        String[] lastMismatch = {"(no look yet)"};
        return Waits.until("every instance's readiness shows Baton's check agreeing with the leadership", FAILOVER,
                () -> cluster.oneLeader().flatMap(leadership -> {
                    for (Instance instance : cluster.alive()) {
                        Optional<String> mismatch = readinessMismatch(instance, readinessPath, leadership,
                                urlAdvertised);
                        if (mismatch.isPresent()) {
                            lastMismatch[0] = mismatch.get();
                            return Optional.empty();
                        }
                    }
                    return Optional.of(leadership);
                }),
                () -> "last mismatch: " + lastMismatch[0] + "\n" + cluster.describe());
    }

    /**
     * Waits until every instance's metrics show the leadership read just before: {@code baton_leader} 1 on the leader
     * and 0 elsewhere, the leader's {@code baton_fencing_token} its token, and at least one ACQUIRED transition counted
     * on the leader. Waits for the same reason as {@link #awaitReadinessShowsBaton}.
     */
    private void awaitMetricsShow(String metricsPath, String when) {
        String[] lastMismatch = {"(no look yet)"};
        Waits.until("every instance's metrics agree with the leadership after " + when, FAILOVER,
                () -> cluster.oneLeader().flatMap(leadership -> {
                    for (Instance instance : cluster.alive()) {
                        Optional<String> mismatch = metricsMismatch(instance, metricsPath, leadership);
                        if (mismatch.isPresent()) {
                            lastMismatch[0] = mismatch.get();
                            return Optional.empty();
                        }
                    }
                    return Optional.of(leadership);
                }),
                () -> "last mismatch: " + lastMismatch[0] + "\n" + cluster.describe());
    }

    /** @return why {@code instance}'s metrics do not show {@code leadership}, or empty when they do */
    private static Optional<String> metricsMismatch(Instance instance, String metricsPath,
                                                    Cluster.Leadership leadership) {
        Optional<HttpResponse<String>> answer = instance.get(metricsPath);
        if (answer.isEmpty() || answer.get().statusCode() != 200) {
            return Optional.of(instance + " did not answer " + metricsPath + " with 200: " + answer.map(
                    r -> r.statusCode() + " " + r.body()).orElse("no answer"));
        }
        String body = answer.get().body();
        boolean leads = instance == leadership.leader();
        Optional<Double> leader = PrometheusText.sample(body, "baton_leader", "reports");
        Optional<Double> token = PrometheusText.sample(body, "baton_fencing_token", "reports");
        boolean acquiredCounted = body.lines().anyMatch(l -> l.startsWith("baton_transitions")
                && l.contains("group=\"reports\"") && l.contains("cause=\"ACQUIRED\""));
        boolean agrees = leader.equals(Optional.of(leads ? 1.0 : 0.0))
                && token.equals(Optional.of(leads ? (double) leadership.token() : 0.0))
                && (!leads || acquiredCounted);
        return agrees ? Optional.empty() : Optional.of(instance + " metrics vs. " + leadership.leader()
                + " leading with token " + leadership.token() + ": baton_leader=" + leader + ", baton_fencing_token="
                + token + ", ACQUIRED counted=" + acquiredCounted + "; baton lines: "
                + body.lines().filter(l -> l.startsWith("baton_")).toList());
    }

    /** @return why {@code instance}'s readiness does not show {@code leadership}, or empty when it does */
    private static Optional<String> readinessMismatch(Instance instance, String readinessPath,
                                                      Cluster.Leadership leadership, boolean urlAdvertised) {
        Optional<HttpResponse<String>> answer = instance.get(readinessPath);
        if (answer.isEmpty()) {
            return Optional.of(instance + " did not answer " + readinessPath);
        }
        HttpResponse<String> response = answer.get();
        String body = response.body();
        if (response.statusCode() != 200) {
            return Optional.of(instance + " answered " + response.statusCode() + ": " + body);
        }
        JsonObject health = Instance.json(body);
        Optional<JsonObject> check = Optional.ofNullable(health.getJsonArray("checks")).stream()
                .flatMap(List::stream)
                .map(JsonValue::asJsonObject)
                .filter(c -> "baton".equals(c.getString("name", null)))
                .findFirst();
        if (!"UP".equals(health.getString("status", null)) || check.isEmpty()
                || !"UP".equals(check.get().getString("status", null))) {
            return Optional.of(instance + ": not UP, or no baton check UP: " + body);
        }
        JsonObject data = check.get().getJsonObject("data");
        boolean leads = instance == leadership.leader();
        // Helidon keeps the number, Payara turns every data value into a string.
        JsonValue token = data == null ? null : data.get("reports.token");
        String shownToken = token == null ? null : token instanceof JsonString js ? js.getString() : token.toString();
        boolean agrees = data != null
                && instance.name().equals(data.getString("participant", null))
                && leadership.leader().name().equals(data.getString("reports.leader", null))
                && (leads ? "leader" : "follower").equals(data.getString("reports.role", null))
                && Objects.equals(leads ? Long.toString(leadership.token()) : null, shownToken)
                && (!urlAdvertised || advertisedUrl(leadership.leader().port())
                        .equals(data.getString("reports.leader.url", null)));
        return agrees ? Optional.empty() : Optional.of(instance + " readiness vs. " + leadership.leader()
                + " leading with token " + leadership.token() + ": " + body);
    }
}
