package dev.baton.backend.jdbc.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.Role;
import dev.baton.backend.jdbc.JdbcLeaseStore;
import dev.baton.backend.jdbc.MariaDbServer;
import dev.baton.backend.jdbc.PostgresServer;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.RenewRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Latency of the JDBC backend, run on demand:
 * {@code ./mvnw -f backends/jdbc/pom.xml verify -Dbaton.bench=true -Dit.test=JdbcBenchmarkIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}. Prints a table and appends it to {@code target/bench-results.txt}.
 *
 * <p>Method: one store (Baton's own connection to a local server, reused between operations) against a raw
 * {@code SELECT 1} prepared statement on one plain JDBC connection to the same server; {@value #WARMUP} warm-up
 * operations, then {@value #ROUNDS} timed ones each, single-threaded, {@link System#nanoTime()}. Graceful handover:
 * the leader shuts down ({@code Baton.close()}, which releases) while a
 * follower waits; the time from the call to the follower's {@code ACQUIRED} event, with a 30 s ttl so only {@code NOTIFY} can explain a fast takeover
 * (PostgreSQL); on MariaDB with the benchmark suite's ttl of 2 s, the follower in the same JVM or, through another
 * URL, on "another host" (woken by its poll). MariaDB also times {@code renewAll} of 500 leases against 500 renewals.
 */
@EnabledIfSystemProperty(named = "baton.bench", matches = "true")
class JdbcBenchmarkIT {
    private static final int WARMUP = 500;
    private static final int ROUNDS = 2000;
    private static final Duration TTL = Duration.ofSeconds(30);
    private final StringBuilder report = new StringBuilder();

    @Test
    void postgres() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            header("PostgreSQL (Debian 15, local, scram auth), pgjdbc 42.7.14");
            storeOps(pg.url(), PostgresServer.USER, PostgresServer.PASSWORD);
            handover(pg.url(), PostgresServer.USER, PostgresServer.PASSWORD);
        }
        flush();
    }

    @Test
    void mariadb() throws Exception {
        try (MariaDbServer db = MariaDbServer.start()) {
            header("MariaDB (Debian 10.11, local), Connector/J 3.5.6");
            storeOps(db.url(), MariaDbServer.USER, MariaDbServer.PASSWORD);
            batchRenewals(db.url(), MariaDbServer.USER, MariaDbServer.PASSWORD);
            // No notifications: the benchmark suite's timing (ttl 2 s, renew 500 ms; the factory's defaults give a
            // 400 ms poll and a 666 ms timeout). Same JVM: followers are woken by the release itself. Another host:
            // every other participant uses another URL of the same database, so only the poll can wake it.
            Duration ttl = Duration.ofSeconds(2);
            ElectionSettings s = ElectionSettings.of(ttl, Duration.ofMillis(500));
            handover(db.url(), db.url(), MariaDbServer.USER, MariaDbServer.PASSWORD, s, 15, "same JVM");
            handover(db.url(), db.url() + "?tcpKeepAlive=true", MariaDbServer.USER, MariaDbServer.PASSWORD, s, 15,
                    "another host (poll 400 ms)");
        }
        flush();
    }

    private void storeOps(String url, String user, String password) throws Exception {
        try (Connection raw = DriverManager.getConnection(url, user, password);
                PreparedStatement select1 = raw.prepareStatement("SELECT 1");
                JdbcLeaseStore store = JdbcLeaseStore.builder().url(url).user(user).password(password)
                        .table("bench_leases").timeout(Duration.ofSeconds(5)).build()) {
            time("raw SELECT 1 (same server, one connection)", i -> {
                try (ResultSet rs = select1.executeQuery()) {
                    rs.next();
                }
            });
            String run = Long.toString(System.nanoTime(), 36);
            time("tryAcquire, free name (insert)", i -> store.tryAcquire(run + "-free-" + i, "me", TTL).orElseThrow());
            LeaseRecord held = store.tryAcquire(run + "-held", "other", TTL).orElseThrow();
            time("tryAcquire, held by another (refused)", i -> store.tryAcquire(run + "-held", "me", TTL));
            LeaseRecord mine = store.tryAcquire(run + "-mine", "me", TTL).orElseThrow();
            time("tryAcquire, confirm own", i -> store.tryAcquire(run + "-mine", "me", TTL).orElseThrow());
            time("renew", i -> store.renew(run + "-mine", "me", mine.token(), TTL).orElseThrow());
            time("read", i -> store.read(run + "-held").orElseThrow());
            time("release + re-acquire (2 ops)", i -> {
                LeaseRecord r = store.tryAcquire(run + "-cycle", "me", TTL).orElseThrow();
                store.release(run + "-cycle", "me", r.token());
            });
            assertTrue(held.token() > 0);
        }
    }

    /** renewAll of 500 leases (one request) against 500 renew calls, the same leases. */
    private void batchRenewals(String url, String user, String password) throws Exception {
        try (JdbcLeaseStore store = JdbcLeaseStore.builder().url(url).user(user).password(password)
                .table("bench_leases").timeout(Duration.ofSeconds(5)).build()) {
            String run = Long.toString(System.nanoTime(), 36);
            List<RenewRequest> requests = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String name = run + "-batch-" + i;
                requests.add(new RenewRequest(name, "me", store.tryAcquire(name, "me", TTL).orElseThrow().token(),
                        TTL));
            }
            assertTrue(store.renewBatchLimit() >= 500);
            timeN("renewAll, 500 leases (one request)", 50, 200, i -> {
                if (store.renewAll(requests).stream().anyMatch(r -> r.isEmpty())) {
                    throw new AssertionError("a renewal was refused");
                }
            });
            timeN("500 x renew, the same leases (500 requests)", 5, 20, i -> {
                for (RenewRequest r : requests) {
                    store.renew(r.name(), r.holder(), r.token(), r.ttl()).orElseThrow();
                }
            });
        }
    }

    private void handover(String url, String user, String password) throws Exception {
        handover(url, url, user, password, ElectionSettings.of(TTL, Duration.ofSeconds(10)), 50, "ttl 30 s");
    }

    /** Graceful handovers; participants take turns between {@code url} and {@code otherUrl}. */
    private void handover(String url, String otherUrl, String user, String password, ElectionSettings s, int n,
            String label) throws Exception {
        BlockingQueue<LeadershipChanged> acquired = new ArrayBlockingQueue<>(1000);
        Baton leader = baton("p0", url, user, password, s, acquired);
        leader.election("bench-handover");
        assertTrue(acquired.poll(30, TimeUnit.SECONDS) != null, "nobody leads");
        long[] nanos = new long[n];
        try {
            for (int i = 0; i < n; i++) {
                Baton next = baton("p" + (i + 1), i % 2 == 0 ? otherUrl : url, user, password, s, acquired);
                LeaderElection follower = next.election("bench-handover");
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (follower.leader().isEmpty() && System.nanoTime() < end) {
                    Thread.sleep(5); // until the newcomer has met the leader (and opened its watch)
                }
                Thread.sleep(20);
                long t0 = System.nanoTime();
                leader.close(); // graceful shutdown: releases the lease, which NOTIFYs the follower
                LeadershipChanged e = acquired.poll(30, TimeUnit.SECONDS);
                nanos[i] = System.nanoTime() - t0;
                assertTrue(e != null && e.participant().equals("p" + (i + 1)), "no handover in round " + i);
                leader = next;
            }
        } finally {
            leader.close();
        }
        row("graceful handover (close() -> follower ACQUIRED), " + label + ", n=" + n, nanos);
    }

    private static Baton baton(String id, String url, String user, String password, ElectionSettings s,
            BlockingQueue<LeadershipChanged> acquired) {
        Duration timeout = s.ttl().compareTo(TTL) < 0 ? s.ttl().dividedBy(3) : Duration.ofSeconds(5);
        Baton baton = Baton.builder().participant(id).defaults(s).store(JdbcLeaseStore.builder().url(url).user(user)
                .password(password).table("bench_leases").timeout(timeout).pollInterval(s.ttl().dividedBy(5))
                .build()).build();
        baton.onChange(e -> {
            if (e.role() == Role.LEADER) {
                acquired.add(e);
            }
        });
        return baton;
    }

    @FunctionalInterface
    private interface Op {
        void run(int i) throws Exception;
    }

    private void time(String what, Op op) throws Exception {
        timeN(what, WARMUP, ROUNDS, op);
    }

    private void timeN(String what, int warmup, int rounds, Op op) throws Exception {
        for (int i = 0; i < warmup; i++) {
            op.run(-1 - i);
        }
        long[] nanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            op.run(i);
            nanos[i] = System.nanoTime() - t0;
        }
        row(what + ", n=" + rounds, nanos);
    }

    private void header(String title) {
        report.append(System.lineSeparator()).append("## ").append(title).append(" — ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, JDK ")
                .append(System.getProperty("java.version")).append(System.lineSeparator())
                .append(String.format(Locale.ROOT, "%-62s %9s %9s %9s%n", "operation", "p50 ms", "p99 ms", "mean ms"));
    }

    private void row(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
        report.append(String.format(Locale.ROOT, "%-62s %9.3f %9.3f %9.3f%n", what, sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6, mean));
    }

    private void flush() throws IOException {
        System.out.println(report);
        Files.writeString(Path.of("target", "bench-results.txt"), report.toString(), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
