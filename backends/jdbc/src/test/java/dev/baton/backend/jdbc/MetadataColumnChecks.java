package dev.baton.backend.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.LeaderInfo;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.Timing;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The {@code metadata} column on a table created by the version of Baton before leader metadata, for each database
 * (a subclass per database says how to reach it and what that version's DDL was): without {@code create-table}
 * metadata is off with one warning naming the DDL, and elections work as before; with it the column is added.
 */
abstract class MetadataColumnChecks {
    static final Duration LONG = Duration.ofSeconds(30);
    /** The bound (before scaling) on things that normally take milliseconds to a few seconds. */
    static final Duration GENEROUS = Duration.ofSeconds(30);
    static final Map<String, String> META_A = Map.of("url", "http://a.example:8080", "zone", "eu-west-ü-東京 &=%+",
            LeaderMetadata.SINCE, "2026-12-05T18:00:00.123Z");
    static final Map<String, String> META_B = Map.of("url", "http://b.example:8080",
            LeaderMetadata.SINCE, "2026-12-05T18:00:01.456Z");
    /** The columns of the previous version's table, in order. */
    static final List<String> PREVIOUS_COLUMNS =
            List.of("lease_name", "holder_id", "version", "acquired_at_utc", "expires_at_utc");

    /** @return a context with the database's URL and credentials */
    abstract TestContext context();

    abstract String url();

    abstract String user();

    abstract String password();

    /** @return the DDL the version before leader metadata ran for {@code table} (in the default schema) */
    abstract String previousVersionDdl(String table);

    /** @return an INSERT of a live lease as the previous version stored it */
    abstract String liveRow(String table, String name, String holder, long version);

    /** @return {@code schema.table} as messages show it */
    abstract String display(String table);

    /** @return the table's quoted, qualified name for SQL */
    abstract String quoted(String table);

    /** @return the DDL the warning must name */
    abstract String addColumnDdl(String table);

    /** @return the table's column names in order */
    abstract List<String> columns(String table);

    JdbcLeaseStore store(String table, boolean createTable) {
        return context().with(JdbcLeaseStoreFactory.TABLE, table)
                .with(JdbcLeaseStoreFactory.CREATE_TABLE, Boolean.toString(createTable))
                // Not what these tests are about: a budget a busy machine's DDL and first connections fit in.
                .with(JdbcLeaseStoreFactory.TIMEOUT, Timing.scaled(Duration.ofSeconds(8)).toMillis() + "ms").store();
    }

    void exec(String sql) {
        Db.exec(url(), user(), password(), sql);
    }

    /** @return the first column of the first row, or null */
    String queryOne(String sql) {
        try (Connection c = DriverManager.getConnection(url(), user(), password()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed: " + e.getMessage(), e);
        }
    }

    List<String> strings(String sql) {
        try (Connection c = DriverManager.getConnection(url(), user(), password()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed: " + e.getMessage(), e);
        }
    }

    HikariDataSource pool(int size) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url());
        c.setUsername(user());
        c.setPassword(password());
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(0);
        c.setConnectionTimeout(30_000);
        c.setPoolName("application");
        return new HikariDataSource(c);
    }

    /** @return the DDL a BATON-JDBC-0002 warning names */
    static String ddlFrom(String warning) {
        int start = warning.indexOf("Add the column with: ");
        int end = warning.indexOf(" ;", start);
        assertTrue(start >= 0 && end > start, () -> "the warning does not name the DDL: " + warning);
        return warning.substring(start + "Add the column with: ".length(), end);
    }

    private String onlyWarning(JdbcLogs logs, String table) {
        List<String> warnings = logs.lines(LogIds.METADATA_COLUMN_MISSING, display(table));
        assertEquals(1, warnings.size(), () -> "one BATON-JDBC-0002 warning for " + table + ":\n" + logs);
        assertTrue(warnings.get(0).startsWith("WARNING "), warnings.get(0));
        return warnings.get(0);
    }

    @Test
    @DisplayName("a table of the previous version with create-table=false: the first acquire is granted without"
            + " metadata, then supportsMetadata() is false, one warning names the exact DDL, and every operation"
            + " works as before")
    void previousTableWithoutCreate() {
        String table = Db.uniqueTable("prev");
        exec(previousVersionDdl(table));
        try (JdbcLogs logs = new JdbcLogs(); JdbcLeaseStore a = store(table, false)) {
            assertTrue(a.supportsMetadata(), "before its first operation the store has not looked: it says true");
            // What the engine's first acquire does on such a store: metadata, on a store that has not looked yet.
            LeaseRecord first = a.tryAcquire("first", "a", LONG, META_A).orElseThrow();
            assertEquals("a", first.holder());
            assertEquals(Map.of(), first.metadata());
            assertFalse(a.supportsMetadata());
            String warning = onlyWarning(logs, table);
            assertTrue(warning.contains("create-table=false"), warning);
            assertEquals(addColumnDdl(table), ddlFrom(warning));

            assertThrows(UnsupportedOperationException.class, () -> a.tryAcquire("first", "a", LONG, META_A),
                    "once it knows, metadata is refused as the SPI says");
            LeaseRecord second = a.tryAcquire("second", "a", LONG, Map.of()).orElseThrow();
            assertEquals(first.token(), a.tryAcquire("first", "a", LONG).orElseThrow().token());
            assertEquals(Map.of(), a.read("first").orElseThrow().metadata());
            assertEquals(Map.of(), a.renew("first", "a", first.token(), LONG).orElseThrow().metadata());
            List<Optional<LeaseRecord>> renewed = a.renewAll(List.of(new RenewRequest("first", "a", first.token(),
                    LONG), new RenewRequest("second", "a", second.token(), LONG)));
            assertTrue(renewed.stream().allMatch(Optional::isPresent), renewed::toString);
            assertTrue(a.release("second", "a", second.token()));
            assertEquals(Optional.empty(), a.read("second"));
            assertEquals(second.token() + 1, a.tryAcquire("second", "b", LONG).orElseThrow().token());

            onlyWarning(logs, table); // still one
            assertEquals(PREVIOUS_COLUMNS, columns(table), "create-table=false never alters the table");
        }
    }

    @Test
    @DisplayName("participants advertising metadata elect a leader on a table of the previous version; followers"
            + " see the leader with no metadata")
    void electionsOnPreviousTable() {
        String table = Db.uniqueTable("prevelect");
        exec(previousVersionDdl(table));
        Duration ttl = Timing.scaled(Duration.ofSeconds(10));
        ElectionSettings s = ElectionSettings.of(ttl, ttl.dividedBy(4));
        try (Baton one = Baton.builder().participant("one").metadata(Map.of("url", "http://one:8080")).defaults(s)
                .store(store(table, false)).build();
                Baton two = Baton.builder().participant("two").metadata(Map.of("url", "http://two:8080")).defaults(s)
                        .store(store(table, false)).build()) {
            LeaderElection e1 = one.election("jobs");
            LeaderElection e2 = two.election("jobs");
            String leader = Await.untilPresent("a leader", () -> e1.isLeader() ? Optional.of("one")
                    : e2.isLeader() ? Optional.of("two") : Optional.empty(), GENEROUS);
            LeaderElection follower = leader.equals("one") ? e2 : e1;
            LeaderInfo seen = Await.untilPresent("the follower sees " + leader + " lead",
                    () -> follower.leaderInfo().filter(i -> i.participant().equals(leader)), GENEROUS);
            assertEquals(Map.of(), seen.metadata());
            assertEquals(Optional.empty(), seen.url());
        }
    }

    @Test
    @DisplayName("the column added by hand while a store runs without it: the store's takeover never shows the"
            + " previous holder's metadata as its own, and it finds the column at its next look")
    void columnAddedLater() {
        String table = Db.uniqueTable("later");
        exec(previousVersionDdl(table));
        try (JdbcLogs logs = new JdbcLogs(); JdbcLeaseStore without = store(table, false)) {
            assertEquals(Optional.empty(), without.read("x"));
            assertFalse(without.supportsMetadata());
            exec(ddlFrom(onlyWarning(logs, table)));
            try (JdbcLeaseStore with = store(table, false)) {
                LeaseRecord b = with.tryAcquire("x", "b", Duration.ofSeconds(1), META_B).orElseThrow();
                assertEquals(META_B, b.metadata());
                assertTrue(with.supportsMetadata());
                // The store that found no column uses the statements of the previous version: its takeover of the
                // expired lease leaves b's value in the row.
                LeaseRecord a = Await.untilPresent("the store without the column takes x over after expiry",
                        () -> without.tryAcquire("x", "a", LONG).filter(r -> r.heldBy("a")), GENEROUS);
                assertEquals(b.token() + 1, a.token());
                assertEquals(Map.of(), a.metadata());
                assertNotNull(queryOne("SELECT metadata FROM " + quoted(table) + " WHERE lease_name = 'x'"),
                        "b's value is still in the row");
                assertEquals(Map.of(), with.read("x").orElseThrow().metadata(), "b's metadata shown as a's");
                assertEquals(Map.of(), with.tryAcquire("x", "c", LONG, META_B).orElseThrow().metadata(),
                        "a refused rival is shown a's (no) metadata");

                without.recheckColumnAfter(Duration.ZERO);
                assertEquals("a", without.read("x").orElseThrow().holder()); // this operation looks again
                assertTrue(without.supportsMetadata());
                assertEquals(1, logs.lines(LogIds.METADATA_COLUMN_ON, display(table)).size(), logs::toString);
                assertEquals(META_A, without.tryAcquire("x", "a", LONG, META_A).orElseThrow().metadata());
                assertEquals(META_A, with.read("x").orElseThrow().metadata());
            }
        }
    }

    @Test
    @DisplayName("create-table=true adds the column to a table of the previous version, whose leases read on")
    void previousTableAltered() {
        String table = Db.uniqueTable("alter");
        exec(previousVersionDdl(table));
        exec(liveRow(table, "held", "old-holder", 7));
        try (JdbcLogs logs = new JdbcLogs(); JdbcLeaseStore store = store(table, true);
                JdbcLeaseStore other = store(table, true)) {
            LeaseRecord held = store.read("held").orElseThrow();
            assertEquals("old-holder", held.holder());
            assertEquals(7, held.token());
            assertEquals(Map.of(), held.metadata());
            assertTrue(store.supportsMetadata());
            List<String> columns = new ArrayList<>(PREVIOUS_COLUMNS);
            columns.add("metadata");
            assertEquals(columns, columns(table));
            assertEquals(1, logs.lines(LogIds.METADATA_COLUMN_ON, display(table)).size(), logs::toString);
            assertEquals(List.of(), logs.lines(LogIds.METADATA_COLUMN_MISSING, display(table)));

            LeaseRecord a = store.tryAcquire("new", "a", LONG, META_A).orElseThrow();
            assertEquals(META_A, a.metadata());
            assertEquals(META_A, other.read("new").orElseThrow().metadata());
            assertEquals(META_A, store.renew("new", "a", a.token(), LONG).orElseThrow().metadata());
            assertEquals(META_A, other.renew("new", "a", a.token(), LONG).orElseThrow().metadata(),
                    "a renewal through a store that did not make the grant reads the metadata back");
            assertEquals(Map.of(), other.renew("held", "old-holder", 7, LONG).orElseThrow().metadata(),
                    "the previous version's holder renews as before");
        }
    }

    @Test
    @DisplayName("stores adding the column at the same moment all end up with metadata")
    void concurrentAlter() throws Exception {
        int nodes = 4;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        String table = Db.uniqueTable("altrace");
        exec(previousVersionDdl(table));
        List<LeaseStore> stores = new ArrayList<>();
        try {
            for (int i = 0; i < nodes; i++) {
                stores.add(store(table, true));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<LeaseRecord>> results = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                LeaseStore s = stores.get(i);
                String holder = "node-" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    return s.tryAcquire("job-" + holder, holder, LONG, META_A).orElseThrow();
                }));
            }
            go.countDown();
            for (int i = 0; i < nodes; i++) {
                LeaseRecord r = results.get(i).get(Timing.scaled(GENEROUS).toMillis(), TimeUnit.MILLISECONDS);
                assertEquals("node-" + i, r.holder());
                assertEquals(META_A, r.metadata(), "node-" + i);
                assertTrue(stores.get(i).supportsMetadata(), "node-" + i);
            }
        } finally {
            stores.forEach(LeaseStore::close);
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("through an application's DataSource: the column is added, metadata round-trips, and the pool's"
            + " connections come back in auto-commit")
    void dataSource() throws Exception {
        String table = Db.uniqueTable("pool");
        exec(previousVersionDdl(table));
        try (HikariDataSource app = pool(2);
                JdbcLeaseStore store = TestContext.create().client(DataSource.class, app)
                        .with(JdbcLeaseStoreFactory.TABLE, table)
                        .with(JdbcLeaseStoreFactory.TIMEOUT, Timing.scaled(Duration.ofSeconds(8)).toMillis() + "ms")
                        .store()) {
            LeaseRecord a = store.tryAcquire("job", "a", LONG, META_A).orElseThrow();
            assertEquals(META_A, a.metadata());
            assertTrue(store.supportsMetadata());
            assertEquals(META_A, store.renew("job", "a", a.token(), LONG).orElseThrow().metadata());
            assertEquals(META_A, store.read("job").orElseThrow().metadata());
            assertTrue(columns(table).contains("metadata"));
            for (int i = 0; i < 2; i++) {
                try (Connection c1 = app.getConnection(); Connection c2 = app.getConnection()) {
                    assertTrue(c1.getAutoCommit() && c2.getAutoCommit());
                }
            }
        }
    }

    @Test
    @DisplayName("a value that cannot be decoded reads as no metadata with one warning; one left by an earlier holder"
            + " reads as none, without a warning")
    void unreadableValues() {
        String table = Db.uniqueTable("odd");
        try (JdbcLogs logs = new JdbcLogs(); JdbcLeaseStore store = store(table, true);
                JdbcLeaseStore other = store(table, true)) {
            store.tryAcquire("odd", "a", LONG, META_A).orElseThrow();
            exec("UPDATE " + quoted(table) + " SET metadata = 'no-equals-sign' WHERE lease_name = 'odd'");
            LeaseRecord seen = other.read("odd").orElseThrow();
            assertEquals("a", seen.holder());
            assertEquals(Map.of(), seen.metadata());
            assertEquals(Map.of(), other.tryAcquire("odd", "b", LONG, META_B).orElseThrow().metadata());
            List<String> warnings = logs.lines(LogIds.METADATA_UNREADABLE, "'odd'");
            assertEquals(1, warnings.size(), logs::toString);
            assertTrue(warnings.get(0).startsWith("WARNING ") && warnings.get(0).contains(table), warnings.get(0));

            String foreign = LeaderMetadata.encode(Map.of("url", "http://z", JdbcLeaseStore.OWNER, "someone-else"));
            exec("UPDATE " + quoted(table) + " SET metadata = '" + foreign + "' WHERE lease_name = 'odd'");
            assertEquals(Map.of(), other.read("odd").orElseThrow().metadata());
            String own = LeaderMetadata.encode(Map.of("url", "http://z", JdbcLeaseStore.OWNER, "a"));
            exec("UPDATE " + quoted(table) + " SET metadata = '" + own + "' WHERE lease_name = 'odd'");
            assertEquals(Map.of("url", "http://z"), other.read("odd").orElseThrow().metadata(),
                    "the owner entry is the store's own, never shown");
            assertEquals(1, logs.lines(LogIds.METADATA_UNREADABLE, "'odd'").size(), logs::toString);
        }
    }
}
