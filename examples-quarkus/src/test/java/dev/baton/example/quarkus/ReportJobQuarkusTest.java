package dev.baton.example.quarkus;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.baton.example.testkit.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The application in the test JVM ({@code @QuarkusTest}, profile {@code test}: the memory backend, see
 * {@code application.properties}): the only instance leads the {@code reports} group, the scheduled job runs on it,
 * {@code GET /baton} says so and {@code /q/health/ready} carries Baton's check with the same view. The cluster
 * behaviour (three processes, failover) is {@link QuarkusClusterIT}'s.
 */
@QuarkusTest
class ReportJobQuarkusTest {

    /**
     * Electing the only participant and the job's next firing (every 2 s) take a few seconds; scaled by
     * {@code baton.test.timing-multiple}, and only a failure waits this long.
     */
    private static final Duration ELECTED_AND_RAN = Duration.ofSeconds(30);

    @Test
    void theOnlyInstanceLeadsRunsTheJobAndReportsItInReadiness() {
        String[] last = {"(no answer yet)"};
        JsonPath status = Waits.until("GET /baton shows this instance leading and having run the job in its tenure",
                ELECTED_AND_RAN, () -> {
                    Response response = given().get("/baton");
                    last[0] = response.statusCode() + " " + response.asString();
                    if (response.statusCode() != 200) {
                        return Optional.empty();
                    }
                    JsonPath json = response.jsonPath();
                    boolean leadsAndRan = "LEADER".equals(json.getString("role"))
                            && json.getLong("jobRuns") >= 1
                            && json.getString("lastJobRun") != null;
                    return leadsAndRan ? Optional.of(json) : Optional.empty();
                }, () -> "last answer: " + last[0]);

        String participant = status.getString("participant");
        assertEquals("reports", status.getString("group"));
        assertEquals(participant, status.getString("leader"), "the only instance names itself leader");
        Long token = status.getObject("fencingToken", Long.class);
        assertNotNull(token, "a leader reports its fencing token");

        // It observed acquiring the group with that token, and ran the job after that.
        List<Map<String, Object>> transitions = status.getList("transitions");
        Optional<Instant> acquired = transitions.stream()
                .filter(t -> "reports".equals(t.get("group")) && "FOLLOWER".equals(t.get("previousRole"))
                        && "LEADER".equals(t.get("role"))
                        && t.get("fencingToken") instanceof Number n && n.longValue() == token)
                .map(t -> Instant.parse((String) t.get("at")))
                .findFirst();
        assertFalse(acquired.isEmpty(), "LeadershipLog observed FOLLOWER -> LEADER with token " + token + ": "
                + status.prettify());
        Instant lastRun = Instant.parse(status.getString("lastJobRun"));
        assertFalse(lastRun.isBefore(acquired.get()), "the job ran in the tenure: " + status.prettify());

        // Readiness: UP, with Baton's check UP and agreeing (the leadership is stable: it is the only participant).
        Waits.until("/q/health/ready is UP with Baton's check showing this instance leading", ELECTED_AND_RAN,
                () -> {
                    Response response = given().get("/q/health/ready");
                    last[0] = response.statusCode() + " " + response.asString();
                    if (response.statusCode() != 200) {
                        return Optional.empty();
                    }
                    JsonPath health = response.jsonPath();
                    List<Map<String, Object>> checks = Optional.ofNullable(health.<Map<String, Object>>getList("checks"))
                            .orElse(List.of());
                    Optional<Map<String, Object>> baton = checks.stream()
                            .filter(c -> "baton".equals(c.get("name")))
                            .findFirst();
                    if (!"UP".equals(health.getString("status")) || baton.isEmpty()
                            || !"UP".equals(baton.get().get("status"))
                            || !(baton.get().get("data") instanceof Map<?, ?> data)) {
                        return Optional.empty();
                    }
                    // SmallRye Health keeps numbers as numbers; compared as text like the cluster test does.
                    boolean agrees = participant.equals(data.get("participant"))
                            && "leader".equals(data.get("reports.role"))
                            && participant.equals(data.get("reports.leader"))
                            && Objects.equals(token.toString(), String.valueOf(data.get("reports.token")));
                    return agrees ? Optional.of(true) : Optional.empty();
                }, () -> "last answer: " + last[0]);
    }
}
