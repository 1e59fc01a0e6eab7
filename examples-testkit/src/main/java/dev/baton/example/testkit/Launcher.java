package dev.baton.example.testkit;

import java.util.List;
import java.util.Map;

/**
 * How one runtime starts one instance of an example as a process: the only runtime-specific part of a cluster test
 * (for instance {@code java -jar app.jar} with the port in the environment, or {@code java -jar payara-micro.jar
 * --deploy app.war --port ...}).
 */
@FunctionalInterface
public interface Launcher {

    /**
     * @param name the instance's name (also its Baton participant id)
     * @param port the HTTP port it must listen on
     * @return its command line
     */
    List<String> command(String name, int port);

    /**
     * @param port the HTTP port it must listen on
     * @return environment variables the runtime needs besides Baton's (none by default)
     */
    default Map<String, String> environment(int port) {
        return Map.of();
    }

    /**
     * @return the path of the runtime's MicroProfile Health readiness endpoint: {@code /health/ready} by default
     *     (Helidon, Payara); Quarkus serves it under {@code /q/health/ready}
     */
    default String readinessPath() {
        return "/health/ready";
    }

    /**
     * @return the path of the runtime's metrics endpoint in Prometheus text format, when the example exports Baton's
     *     metrics ({@code /metrics} on Helidon, {@code /q/metrics} on Quarkus); empty: not checked
     */
    default java.util.Optional<String> metricsPath() {
        return java.util.Optional.empty();
    }

    /**
     * @return the path of the example's {@code @LeaderOnly} resource of the {@code reports} group that answers the
     *     serving participant's id ({@code /api/leader-only/whoami} on Helidon and Payara); when present, every
     *     instance advertises its url ({@code BATON_PARTICIPANT_METADATA_URL}) and the scenario checks that a request
     *     to a follower ends on the leader, and that readiness shows the leader's url. Empty: not checked
     */
    default java.util.Optional<String> leaderOnlyPath() {
        return java.util.Optional.empty();
    }
}
