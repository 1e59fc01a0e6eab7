package dev.baton.backend.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.RenewRequest;
import dev.baton.tck.fixtures.Timing;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
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

/** MariaDB behaviour beyond the TCK: tables, schema (database), names compared byte for byte. */
@ExtendWith(SharedServers.class)
class MariaDbBehaviourIT {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static MariaDbServer db;

    @BeforeAll
    static void server(MariaDbServer server) {
        db = server;
    }

    private static TestContext context(String table) {
        return TestContext.mariadb(db).with(JdbcLeaseStoreFactory.TABLE, table)
                // Not what these tests are about: a budget a busy machine's DDL and first connections fit in.
                .with(JdbcLeaseStoreFactory.TIMEOUT, Timing.scaled(Duration.ofSeconds(5)).toMillis() + "ms");
    }

    @Test
    @DisplayName("a missing table with create-table=false names database.table and the DDL; it works once created")
    void missingTable() {
        String table = Db.uniqueTable("missing");
        try (LeaseStore store = context(table).with(JdbcLeaseStoreFactory.CREATE_TABLE, "false").store()) {
            LeaseStoreException e = assertThrows(LeaseStoreException.class, () -> store.tryAcquire("job", "a", LONG));
            assertTrue(e.getMessage().contains(MariaDbServer.DATABASE + "." + table), e.getMessage());
            assertTrue(e.getMessage().contains("CREATE TABLE IF NOT EXISTS `" + table + "`"), e.getMessage());
            Db.exec(db, Db.ddlFrom(e.getMessage()));
            assertEquals(1, store.tryAcquire("job", "a", LONG).orElseThrow().token());
        }
    }

    @Test
    @DisplayName("a configured schema selects another database")
    void schema() {
        try (LeaseStore store = context("leases").with(JdbcLeaseStoreFactory.SCHEMA, "baton_other").store()) {
            assertTrue(store.describe().contains("baton_other.leases"), store.describe());
            assertEquals("a", store.tryAcquire("job", "a", LONG).orElseThrow().holder());
        }
        Db.exec(db, "SELECT 1 FROM baton_other.leases WHERE lease_name = 'job'");
    }

    @Test
    @DisplayName("nodes creating the table at the same moment all succeed")
    void concurrentCreate() throws Exception {
        int nodes = 6;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            for (int round = 0; round < 3; round++) {
                String table = Db.uniqueTable("race");
                List<LeaseStore> stores = new ArrayList<>();
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
                    assertEquals("node-" + i, results.get(i).get(Timing.scaled(Duration.ofSeconds(30)).toMillis(),
                            TimeUnit.MILLISECONDS).holder());
                }
                stores.forEach(LeaseStore::close);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("renewals batch in one statement on Baton's connections: each lease's answer is its own, and leases"
            + " taken over by another holder or token, expired, released or never held are refused and left alone")
    void batchedRenewals() throws Exception {
        String table = Db.uniqueTable("batch");
        try (JdbcLeaseStore store = context(table).store(); LeaseStore other = context(table).store()) {
            checkBatch(store, other, null);
        }
    }

    @Test
    @DisplayName("renewals batch in one statement through a container DataSource, with the same per-lease answers")
    void batchedRenewalsThroughDataSource() throws Exception {
        String table = Db.uniqueTable("batchds");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.url());
        config.setUsername(MariaDbServer.USER);
        config.setPassword(MariaDbServer.PASSWORD);
        config.setMaximumPoolSize(2);
        config.setPoolName("application");
        AtomicInteger statements = new AtomicInteger();
        try (HikariDataSource pool = new HikariDataSource(config);
                JdbcLeaseStore store = TestContext.create().client(DataSource.class, counting(pool, statements))
                        .with(JdbcLeaseStoreFactory.TABLE, table).store();
                LeaseStore other = context(table).store()) {
            checkBatch(store, other, statements);
        }
    }

    @Test
    @DisplayName("batches racing each other (in opposite orders) and rivals' acquires on the same rows: every answer"
            + " is right and none fails (rows are locked in one order)")
    void racingBatches() throws Exception {
        String table = Db.uniqueTable("race");
        int n = 200;
        try (JdbcLeaseStore one = context(table).store(); JdbcLeaseStore two = context(table).store();
                LeaseStore rival = context(table).store()) {
            List<RenewRequest> requests = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = "job-" + i;
                requests.add(new RenewRequest(name, "a", one.tryAcquire(name, "a", LONG).orElseThrow().token(), LONG));
            }
            two.tryAcquire("job-0", "a", LONG).orElseThrow(); // two learns its database: it batches too
            List<RenewRequest> reversed = new ArrayList<>(requests);
            java.util.Collections.reverse(reversed);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                long end = System.nanoTime() + Timing.scaled(Duration.ofSeconds(2)).toNanos();
                List<Future<Integer>> runs = List.of(
                        pool.submit(() -> renewUntil(one, requests, end)),
                        pool.submit(() -> renewUntil(two, reversed, end)),
                        pool.submit(() -> {
                            int rounds = 0;
                            while (System.nanoTime() < end) {
                                for (int i = 0; i < n; i += 7) {
                                    assertTrue(rival.tryAcquire("job-" + i, "b", LONG).orElseThrow().heldBy("a"));
                                }
                                rounds++;
                            }
                            return rounds;
                        }));
                for (Future<Integer> f : runs) {
                    assertTrue(f.get(Timing.scaled(Duration.ofSeconds(60)).toMillis(), TimeUnit.MILLISECONDS) > 0);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** @return how many batches {@code store} renewed, each answered "renewed" for every lease, until {@code end} */
    private static int renewUntil(LeaseStore store, List<RenewRequest> requests, long end) {
        int batches = 0;
        while (System.nanoTime() < end) {
            List<Optional<LeaseRecord>> results = store.renewAll(requests);
            for (int i = 0; i < results.size(); i++) {
                assertEquals(requests.get(i).token(), results.get(i).orElseThrow().token());
            }
            batches++;
        }
        return batches;
    }

    /**
     * Eight kinds of lease, five each, renewed in one {@code renewAll}: only the first kind (held by the store's holder
     * with the token asked for) is renewed; the others are refused, and rows another holder or token holds keep their
     * expiry.
     */
    private static void checkBatch(JdbcLeaseStore store, LeaseStore other, AtomicInteger statements)
            throws InterruptedException {
        assertEquals(1, store.renewBatchLimit(), "unknown database before the first operation: no batching");
        Duration shortTtl = Duration.ofMillis(300);
        Duration renewTtl = Duration.ofSeconds(120); // renewed leases show more than LONG remaining
        int n = 40;
        List<RenewRequest> requests = new ArrayList<>();
        long[] tokens = new long[n];
        for (int i = 0; i < n; i++) {
            String name = "job-" + i;
            int kind = i % 8;
            if (kind == 6) {
                tokens[i] = 7; // never held: the lease has no row
            } else {
                tokens[i] = store.tryAcquire(name, "a", kind == 4 ? shortTtl : LONG).orElseThrow().token();
            }
            switch (kind) {
                case 2 -> { // taken over by another holder
                    assertTrue(store.release(name, "a", tokens[i]));
                    assertEquals(tokens[i] + 1, other.tryAcquire(name, "b", LONG).orElseThrow().token());
                }
                case 3 -> { // taken again by the same holder elsewhere: another token
                    assertTrue(store.release(name, "a", tokens[i]));
                    assertEquals(tokens[i] + 1, other.tryAcquire(name, "a", LONG).orElseThrow().token());
                }
                case 5 -> assertTrue(store.release(name, "a", tokens[i]));
                default -> { }
            }
            String holder = kind == 7 ? "c" : "a";
            requests.add(new RenewRequest(name, holder, kind == 1 ? tokens[i] + 1 : tokens[i], renewTtl));
        }
        Thread.sleep(shortTtl.toMillis() * 2); // kind 4 expires
        assertEquals(JdbcLeaseStore.RENEW_BATCH_LIMIT, store.renewBatchLimit());
        int before = statements == null ? 0 : statements.get();
        List<Optional<LeaseRecord>> results = store.renewAll(requests);
        if (statements != null) {
            assertEquals(1, statements.get() - before, "one statement renews the batch");
        }
        assertEquals(n, results.size());
        for (int i = 0; i < n; i++) {
            String name = "job-" + i;
            int kind = i % 8;
            Optional<LeaseRecord> result = results.get(i);
            Optional<LeaseRecord> now = other.read(name);
            assertEquals(kind == 0, result.isPresent(), "kind " + kind + ", " + name + ": " + result);
            switch (kind) {
                case 0 -> {
                    assertEquals("a", result.get().holder());
                    assertEquals(tokens[i], result.get().token());
                    assertEquals(tokens[i], now.orElseThrow().token());
                    assertTrue(now.get().remaining().compareTo(LONG) > 0, "renewed: " + now);
                }
                case 1, 7 -> { // refused: the lease is still a's, not extended
                    assertEquals(tokens[i], now.orElseThrow().token());
                    assertTrue(now.get().remaining().compareTo(LONG) <= 0, "not extended: " + now);
                }
                case 2, 3 -> {
                    assertEquals(kind == 2 ? "b" : "a", now.orElseThrow().holder());
                    assertEquals(tokens[i] + 1, now.get().token());
                    assertTrue(now.get().remaining().compareTo(LONG) <= 0, "another grant, not extended: " + now);
                }
                default -> assertFalse(now.isPresent(), "expired, released or never held stays free: " + now);
            }
        }
        // A refused renewal left nothing live behind: the never-held leases are granted with token 1 or above.
        assertTrue(other.tryAcquire("job-6", "b", LONG).orElseThrow().heldBy("b"));
    }

    /** A DataSource whose connections count the statements prepared or created on them. */
    private static DataSource counting(DataSource pool, AtomicInteger statements) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(pool, method, args);
                    if (!(result instanceof Connection c)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> {
                                if (m.getName().startsWith("prepare") || m.getName().equals("createStatement")) {
                                    statements.incrementAndGet();
                                }
                                return invoke(c, m, a);
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
