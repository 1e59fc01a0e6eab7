package dev.baton.example.quarkus;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.example.testkit.ClusterScenario;
import dev.baton.example.testkit.Instance;
import dev.baton.example.testkit.Launcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots three processes of the packaged Quarkus application ({@code java -jar target/quarkus-app/quarkus-run.jar})
 * on the file backend, sharing a fresh lease directory, and checks through their HTTP endpoints that the scheduled
 * job runs on the leader only, that events and readiness tell the truth, and that leadership moves when the leader
 * freezes (SIGSTOP, like a long GC pause), stops gracefully (SIGTERM) and crashes (SIGKILL), and that
 * {@code /q/metrics} shows Baton's meters moving with the leadership. The scenario is {@link ClusterScenario}'s.
 */
class QuarkusClusterIT extends ClusterScenario {

    private static final Path JAR =
            Path.of(System.getProperty("baton.example.jar", "target/quarkus-app/quarkus-run.jar"));
    /**
     * Quarkus boots in a second or two on a quiet machine; three at once on a busy 2-core machine take many times
     * that. Scaled; only a failure waits this long.
     */
    private static final Duration BOOT = Duration.ofMinutes(3);

    /**
     * {@code java -jar}; Quarkus reads its port and host from the environment and serves readiness under
     * {@code /q/}. The JVM options only make three JVMs booting at once on two cores cheaper (C1 only, one GC
     * thread); the application is the same.
     */
    private static final Launcher QUARKUS = new Launcher() {
        @Override
        public List<String> command(String name, int port) {
            return List.of(Instance.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toString());
        }

        @Override
        public Map<String, String> environment(int port) {
            return Map.of("QUARKUS_HTTP_PORT", Integer.toString(port), "QUARKUS_HTTP_HOST", "127.0.0.1");
        }

        @Override
        public String readinessPath() {
            return "/q/health/ready";
        }

        @Override
        public Optional<String> metricsPath() {
            return Optional.of("/q/metrics");
        }
    };

    @TempDir
    Path leaseDir;

    @Test
    void onlyTheLeaderRunsTheJobAndLeadershipMovesWhenTheLeaderStops() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "run 'package' first; missing " + JAR);
        // target/quarkus-app/quarkus-run.jar: the logs go to target/it-logs/quarkus.
        leadershipMovesWhenTheLeaderFreezesStopsAndCrashes(QUARKUS, leaseDir, BOOT,
                JAR.getParent().getParent().resolve("it-logs/quarkus"));
    }
}
