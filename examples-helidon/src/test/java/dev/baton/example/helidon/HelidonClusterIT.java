package dev.baton.example.helidon;

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
 * Boots three processes of the packaged Helidon application ({@code java -jar}) on the file backend, sharing a fresh
 * lease directory, and checks through their HTTP endpoints that the scheduled job runs on the leader only, that
 * events and readiness tell the truth, and that leadership moves when the leader freezes (SIGSTOP, like a long GC
 * pause), stops gracefully (SIGTERM) and crashes (SIGKILL), that {@code /metrics} shows Baton's meters moving with
 * the leadership, and that a request to a follower of the {@code @LeaderOnly} resource ends on the leader, before and
 * after a takeover. The scenario is {@link ClusterScenario}'s.
 */
class HelidonClusterIT extends ClusterScenario {

    private static final Path JAR = Path.of(System.getProperty("baton.example.jar", "target/baton-example-helidon.jar"));
    /**
     * Helidon boots in a few seconds on a quiet machine; three at once on a busy 2-core machine take many times that.
     * Scaled; only a failure waits this long.
     */
    private static final Duration BOOT = Duration.ofMinutes(3);

    /**
     * {@code java -jar}; Helidon reads its port and host from the environment. The JVM options only make three JVMs
     * booting at once on two cores cheaper (C1 only, one GC thread); the application is the same.
     */
    private static final Launcher HELIDON = new Launcher() {
        @Override
        public List<String> command(String name, int port) {
            return List.of(Instance.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toString());
        }

        @Override
        public Map<String, String> environment(int port) {
            return Map.of("SERVER_PORT", Integer.toString(port), "SERVER_HOST", "127.0.0.1");
        }

        @Override
        public Optional<String> metricsPath() {
            return Optional.of("/metrics");
        }

        @Override
        public Optional<String> leaderOnlyPath() {
            return Optional.of("/api/leader-only/whoami");
        }
    };

    @TempDir
    Path leaseDir;

    @Test
    void onlyTheLeaderRunsTheJobAndLeadershipMovesWhenTheLeaderStops() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "run 'package' first; missing " + JAR);
        leadershipMovesWhenTheLeaderFreezesStopsAndCrashes(HELIDON, leaseDir, BOOT,
                JAR.getParent().resolve("it-logs/helidon"));
    }
}
