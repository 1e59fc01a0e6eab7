package dev.baton.example.payara;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.example.testkit.ClusterScenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots three Payara Micro processes ({@code java -jar payara-micro.jar --deploy the.war --nocluster}) running the
 * packaged WAR on the file backend, sharing a fresh lease directory, and checks through their HTTP endpoints that the
 * scheduled job runs on the leader only, that the EJB timer is guarded ({@code @AroundTimeout}), that events and
 * readiness tell the truth, that leadership moves when the leader freezes (SIGSTOP, like a long GC pause), stops
 * gracefully (SIGTERM) and crashes (SIGKILL), and that a request to a follower of the {@code @LeaderOnly} resource
 * ends on the leader, before and after a takeover. The scenario is {@link ClusterScenario}'s.
 */
class PayaraClusterIT extends ClusterScenario {

    private static final Path WAR = Path.of(System.getProperty("baton.example.war", "target/baton-example-payara.war"));
    private static final Path PAYARA = Path.of(System.getProperty("payara.micro.jar", "target/payara-micro.jar"));
    /**
     * Payara Micro boots in 15-35 s on a quiet machine; three at once on a busy 2-core machine can take several times
     * that. Scaled; only a failure waits this long.
     */
    private static final Duration BOOT = Duration.ofMinutes(6);

    @TempDir
    Path leaseDir;

    @TempDir
    Path runtimeDir;

    @Test
    void onlyTheLeaderRunsTheJobAndLeadershipMovesWhenTheLeaderStops() throws Exception {
        assertTrue(Files.isRegularFile(WAR), "run 'package' first; missing " + WAR);
        assertTrue(Files.isRegularFile(PAYARA), "run 'package' first; missing " + PAYARA);
        leadershipMovesWhenTheLeaderFreezesStopsAndCrashes(new PayaraMicro(PAYARA, WAR, runtimeDir, List.of()),
                leaseDir, BOOT, WAR.getParent().resolve("it-logs/payara"));
    }
}
