package dev.baton.backend.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.Role;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.RenewRequest;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.Timing;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** PostgreSQL behaviour beyond the TCK: tables, configuration, connection sources, notifications. */
@ExtendWith(SharedServers.class)
class PostgresBehaviourIT {
    private static final Duration LONG = Duration.ofSeconds(30);
    /** The bound (before scaling) on things that normally take milliseconds to a few seconds. */
    private static final Duration GENEROUS = Duration.ofSeconds(30);
    private static PostgresServer pg;

    @BeforeAll
    static void server(PostgresServer server) {
        pg = server;
    }

    private static TestContext context(String table) {
        return TestContext.postgres(pg).with(JdbcLeaseStoreFactory.TABLE, table)
                // Not what these tests are about: a budget a busy machine's DDL and first connections fit in.
                .with(JdbcLeaseStoreFactory.TIMEOUT, Timing.scaled(Duration.ofSeconds(5)).toMillis() + "ms");
    }

    private static ElectionSettings settings(Duration ttl) {
        Duration t = Timing.scaled(ttl);
        return ElectionSettings.of(t, t.dividedBy(4));
    }

    @Test
    @DisplayName("a missing table with create-table=false: one message naming schema.table and the DDL, in the "
            + "status too; once the table is created, the election recovers with no restart")
    void missingTable() throws Exception {
        String table = Db.uniqueTable("missing");
        try (JdbcLeaseStore store = context(table).with(JdbcLeaseStoreFactory.CREATE_TABLE, "false").store()) {
            LeaseStoreException e = assertThrows(LeaseStoreException.class,
                    () -> store.tryAcquire("job", "a", LONG));
            String m = e.getMessage();
            assertTrue(m.contains("public." + table), m);
            assertTrue(m.contains("create-table=false"), m);
            assertTrue(m.contains("CREATE TABLE IF NOT EXISTS \"public\".\"" + table + "\""), m);
            assertThrows(LeaseStoreException.class, () -> store.read("job"), "read fails alike");

            // Not about expiry: a lease long enough that the new leader keeps it while the test looks (a renewal
            // failing on a busy machine would also set lastError again); retries back off to at most 2.5 s.
            try (Baton baton = Baton.builder().store(store).closeStore(false).participant("node-1")
                    .defaults(settings(Duration.ofSeconds(10))).build()) {
                LeaderElection election = baton.election("jobs");
                String error = Await.untilPresent("the status reports the missing table",
                        () -> election.status().lastError().filter(x -> x.contains("public." + table)), GENEROUS);
                assertFalse(election.isLeader());
                assertFalse(election.status().backendReachable() && election.status().lastError().isEmpty());

                Db.exec(pg, Db.ddlFrom(error));
                assertTrue(election.awaitLeadership(Timing.scaled(GENEROUS)),
                        "no leadership once the table exists: " + election.status());
                assertEquals(Optional.empty(), election.status().lastError());
            }
        }
    }

    @Test
    @DisplayName("create-table=true creates the table on first use, with the documented columns")
    void createsTable() throws Exception {
        String table = Db.uniqueTable("created");
        try (JdbcLeaseStore store = context(table).store()) {
            LeaseRecord r = store.tryAcquire("job", "a", LONG).orElseThrow();
            assertEquals(1, r.token());
        }
        try (Connection c = java.sql.DriverManager.getConnection(pg.url(), PostgresServer.USER,
                PostgresServer.PASSWORD); Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT column_name, data_type FROM information_schema.columns"
                        + " WHERE table_schema = 'public' AND table_name = '" + table + "' ORDER BY ordinal_position")) {
            List<String> columns = new ArrayList<>();
            while (rs.next()) {
                columns.add(rs.getString(1) + " " + rs.getString(2));
            }
            assertEquals(List.of("lease_name text", "holder_id text", "version bigint",
                    "acquired_at_utc timestamp with time zone", "expires_at_utc timestamp with time zone",
                    "metadata text"), columns);
        }
    }

    @Test
    @DisplayName("a configured schema is used (and quoted)")
    void schema() {
        String schema = Db.uniqueTable("schema");
        Db.exec(pg, "CREATE SCHEMA " + schema);
        try (JdbcLeaseStore store = context("leases").with(JdbcLeaseStoreFactory.SCHEMA, schema).store()) {
            assertTrue(store.describe().contains(schema + ".leases"), store.describe());
            assertEquals("a", store.tryAcquire("job", "a", LONG).orElseThrow().holder());
        }
        Db.exec(pg, "SELECT 1 FROM \"" + schema + "\".\"leases\" WHERE lease_name = 'job'");
    }

    @Test
    @DisplayName("two stores on different tables do not see each other's leases or notifications")
    void separateTables() throws Exception {
        try (JdbcLeaseStore a = context(Db.uniqueTable("a")).store();
                JdbcLeaseStore b = context(Db.uniqueTable("b")).store()) {
            LeaseRecord ra = a.tryAcquire("shared", "holder-a", LONG).orElseThrow();
            LeaseRecord rb = b.tryAcquire("shared", "holder-b", LONG).orElseThrow();
            assertEquals("holder-a", ra.holder());
            assertEquals("holder-b", rb.holder());
            assertEquals("holder-a", a.read("shared").orElseThrow().holder());

            AtomicInteger calls = new AtomicInteger();
            try (AutoCloseable w = b.watch("shared", calls::incrementAndGet).orElseThrow()) {
                // A new listener calls every watcher once when it connects (releases may have been missed before).
                Await.until("the listener's connect call", () -> calls.get() >= 1, GENEROUS);
                assertTrue(b.release("shared", "holder-b", rb.token()));
                Await.until("b's watcher hears b's release", () -> calls.get() >= 2, GENEROUS);
                // The listener thread has moved on from its connect call to delivering notifications, so a watcher
                // registered now is called only for its own lease's releases.
                CountDownLatch marker = new CountDownLatch(1);
                try (AutoCloseable m = b.watch("marker", marker::countDown).orElseThrow()) {
                    LeaseRecord rm = b.tryAcquire("marker", "holder-b", LONG).orElseThrow();
                    assertTrue(a.release("shared", "holder-a", ra.token()));
                    assertTrue(b.release("marker", "holder-b", rm.token()));
                    // One listener thread delivers b's notifications in commit order: once the marker's release has
                    // arrived, a's release would have too, had it leaked into b's channel.
                    assertTrue(marker.await(Timing.scaled(GENEROUS).toMillis(), TimeUnit.MILLISECONDS));
                    assertEquals(2, calls.get(), "b's watcher heard a's release");
                }
            }
        }
    }

    @Test
    @DisplayName("renewals batch: once the store knows it talks to PostgreSQL, renewAll renews 300 leases in one JDBC "
            + "batch, each answered as renew would")
    void batchedRenewals() {
        try (JdbcLeaseStore store = context(Db.uniqueTable("batch")).store()) {
            assertEquals(1, store.renewBatchLimit(), "unknown database before the first operation: no batching");
            List<RenewRequest> requests = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String name = "job-" + i;
                long token = store.tryAcquire(name, "a", LONG).orElseThrow().token();
                // Every third request names a wrong token: refused, as renew would refuse it.
                requests.add(new RenewRequest(name, "a", i % 3 == 0 ? token + 1 : token, LONG));
            }
            assertEquals(JdbcLeaseStore.RENEW_BATCH_LIMIT, store.renewBatchLimit());
            List<Optional<LeaseRecord>> results = store.renewAll(requests);
            assertEquals(300, results.size());
            for (int i = 0; i < 300; i++) {
                assertEquals(i % 3 != 0, results.get(i).isPresent(), "result " + i + ": " + results.get(i));
            }
        }
    }

    @Test
    @DisplayName("nodes creating the table at the same moment all succeed")
    void concurrentCreate() throws Exception {
        int nodes = 6;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            for (int round = 0; round < 3; round++) {
                String table = Db.uniqueTable("race");
                List<JdbcLeaseStore> stores = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    stores.add(context(table).store());
                }
                CountDownLatch go = new CountDownLatch(1);
                List<Future<LeaseRecord>> results = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    LeaseStore s = stores.get(i);
                    String holder = "node-" + i;
                    results.add(pool.submit(() -> {
                        go.await();
                        return s.tryAcquire("job-" + holder, holder, LONG).orElseThrow();
                    }));
                }
                go.countDown();
                for (int i = 0; i < nodes; i++) {
                    assertEquals("node-" + i, results.get(i).get(Timing.scaled(GENEROUS).toMillis(),
                            TimeUnit.MILLISECONDS).holder());
                }
                stores.forEach(LeaseStore::close);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("a saturated application pool cannot starve renewals: Baton's URL connections are its own")
    void saturatedApplicationPool() throws Exception {
        try (HikariDataSource app = appPool(2)) {
            Connection held1 = app.getConnection();
            Connection held2 = app.getConnection();
            try (Statement busy = held1.createStatement()) {
                // The pool is exhausted and one of its connections runs a long query (cancelled at the end).
                ExecutorService slow = Executors.newSingleThreadExecutor();
                slow.submit(() -> busy.execute("SELECT pg_sleep(600)"));
                slow.shutdown();
                // Renewals through the saturated pool would wait for a connection until the lease ran out. The ttl
                // leaves the renewal thread seconds of slack on a busy machine (renewing every 1.5 s, it would have
                // to be starved for about 4 s to lose the lease), so only blocked renewals can explain a loss.
                Duration ttl = Timing.scaled(Duration.ofSeconds(6));
                Events events = new Events();
                try (Baton baton = Baton.builder().participant("node-1").defaults(settings(Duration.ofSeconds(6)))
                        .store(context(Db.uniqueTable("starve")).shortestTtl(ttl).with(JdbcLeaseStoreFactory.TIMEOUT,
                                null).store()).build()) {
                    baton.onChange(events);
                    LeaderElection election = baton.election("jobs");
                    assertTrue(election.awaitLeadership(Timing.scaled(GENEROUS)));
                    long token = election.fencingToken().orElseThrow();
                    long end = System.nanoTime() + ttl.multipliedBy(2).toNanos();
                    while (System.nanoTime() - end < 0) {
                        assertTrue(election.isLeader(), () -> "leadership lost while the app pool was saturated: "
                                + events);
                        Thread.sleep(50); // sampling the leadership flag over two ttls, not synchronising
                    }
                    assertEquals(token, election.fencingToken().orElseThrow());
                    // Events arrive on Baton's event thread, a moment after the role changed.
                    Await.until("the ACQUIRED event", () -> events.count(Role.LEADER) >= 1, GENEROUS);
                    assertEquals(1, events.count(Role.LEADER), events::toString);
                    assertEquals(0, events.count(Role.FOLLOWER), events::toString);
                }
            } finally {
                held1.unwrap(org.postgresql.PGConnection.class).cancelQuery();
                held1.close();
                held2.close();
            }
        }
    }

    @Test
    @DisplayName("handed the saturated application pool itself, an operation fails within its budget, not the "
            + "pool's 30 s wait; it works again once a connection is free")
    void saturatedDataSourceIsBounded() throws Exception {
        try (HikariDataSource app = appPool(1)) {
            try (JdbcLeaseStore store = TestContext.create().client(DataSource.class, app)
                    .with(JdbcLeaseStoreFactory.TABLE, Db.uniqueTable("ds")).shortestTtl(Duration.ofSeconds(3))
                    .store()) {
                assertEquals("a", store.tryAcquire("job", "a", LONG).orElseThrow().holder());
                Connection held = app.getConnection();
                try {
                    long t0 = System.nanoTime();
                    assertThrows(LeaseStoreException.class, () -> store.renew("job", "a", 1, LONG));
                    Duration took = Duration.ofNanos(System.nanoTime() - t0);
                    // The budget is 1 s; the slack covers a busy machine and stays far below the pool's 30 s wait.
                    assertTrue(took.compareTo(store.maxCallTime().plus(Timing.scaled(Duration.ofSeconds(5)))) < 0,
                            "took " + took + " with maxCallTime " + store.maxCallTime());
                } finally {
                    held.close();
                }
                assertTrue(store.renew("job", "a", 1, LONG).isPresent());
            }
        }
    }

    @Test
    @DisplayName("a DataSource from JNDI or a bean works, LISTEN included (through the pool's proxy)")
    void dataSources() throws Exception {
        try (HikariDataSource app = appPool(4)) {
            String table = Db.uniqueTable("jndi");
            try (LeaseStore viaJndi = TestContext.create().with(JdbcLeaseStoreFactory.DATASOURCE, "java:comp/env/jdbc/b")
                    .bind("java:comp/env/jdbc/b", app).with(JdbcLeaseStoreFactory.TABLE, table).store();
                    LeaseStore viaBean = TestContext.create().client(DataSource.class, app)
                            .with(JdbcLeaseStoreFactory.TABLE, table).store()) {
                assertTrue(viaJndi.describe().contains("java:comp/env/jdbc/b"), viaJndi.describe());
                LeaseRecord r = viaJndi.tryAcquire("job", "a", LONG).orElseThrow();
                assertEquals("a", viaBean.tryAcquire("job", "b", LONG).orElseThrow().holder());
                CountDownLatch released = new CountDownLatch(2); // the connect call, then the release
                try (AutoCloseable w = viaBean.watch("job", released::countDown).orElseThrow()) {
                    assertTrue(viaJndi.release("job", "a", r.token()));
                    assertTrue(released.await(Timing.scaled(GENEROUS).toMillis(), TimeUnit.MILLISECONDS));
                }
                assertEquals(r.token() + 1, viaBean.tryAcquire("job", "b", LONG).orElseThrow().token());
            }
        }
    }

    @Test
    @DisplayName("graceful handover: a follower takes over a released lease at once (NOTIFY), long before expiry")
    void handover() throws Exception {
        // The lease is far longer than the wait below: a follower that slept until expiry could never take over in
        // time, so a takeover at all shows the release woke it (NOTIFY).
        Duration ttl = Timing.scaled(Duration.ofSeconds(90));
        ElectionSettings s = ElectionSettings.of(ttl, ttl.dividedBy(4));
        String table = Db.uniqueTable("handover");
        Baton first = Baton.builder().participant("first").defaults(s).store(context(table).store()).build();
        try (Baton second = Baton.builder().participant("second").defaults(s).store(context(table).store())
                .build()) {
            LeaderElection one = first.election("jobs");
            assertTrue(one.awaitLeadership(Timing.scaled(GENEROUS)));
            long firstToken = one.fencingToken().orElseThrow();
            LeaderElection two = second.election("jobs");
            Await.until("the second participant sees the leader", () -> two.leader().isPresent(), GENEROUS);
            assertFalse(two.isLeader(), "never two leaders");
            long t0 = System.nanoTime();
            first.close();
            assertTrue(two.awaitLeadership(Timing.scaled(GENEROUS)),
                    "no takeover within " + Timing.scaled(GENEROUS) + " of a release; the ttl is " + ttl);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            System.out.println("graceful handover took " + took.toMillis() + " ms");
            assertTrue(took.compareTo(ttl.dividedBy(2)) < 0, "took " + took + ": about the expiry, not the release");
            assertTrue(two.fencingToken().orElseThrow() > firstToken, "the new token exceeds the first leader's");
        } finally {
            first.close();
        }
    }

    private static HikariDataSource appPool(int size) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(pg.url());
        c.setUsername(PostgresServer.USER);
        c.setPassword(PostgresServer.PASSWORD);
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(0);
        c.setConnectionTimeout(30_000);
        c.setPoolName("application");
        return new HikariDataSource(c);
    }
}
