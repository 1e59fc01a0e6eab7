package dev.baton.backend.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
}
