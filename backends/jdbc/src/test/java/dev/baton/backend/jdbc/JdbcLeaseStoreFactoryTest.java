package dev.baton.backend.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.testfixtures.FreePorts;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Configuration is checked at deployment, before anything connects. */
class JdbcLeaseStoreFactoryTest {

    private static TestContext pg() {
        return TestContext.postgres("jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/app");
    }

    static Stream<String> injections() {
        return Stream.of("leases; DROP TABLE users; --", "leases\"", "lea`ses", "a b", "Leases", "x.y", "1abc",
                "l'eases", "a".repeat(64), "leases--", "léases");
    }

    @ParameterizedTest
    @MethodSource("injections")
    @DisplayName("a table name that is not a plain identifier is rejected, naming the key")
    void badTable(String table) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> pg().with(JdbcLeaseStoreFactory.TABLE, table).store());
        assertEquals(JdbcLeaseStoreFactory.TABLE, e.key());
        assertEquals(table, e.value().orElseThrow());
        assertTrue(e.getMessage().contains("identifier"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("injections")
    @DisplayName("a schema name that is not a plain identifier is rejected, naming the key")
    void badSchema(String schema) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> pg().with(JdbcLeaseStoreFactory.SCHEMA, schema).store());
        assertEquals(JdbcLeaseStoreFactory.SCHEMA, e.key());
    }

    @Test
    @DisplayName("the factory is found by ServiceLoader as 'jdbc'")
    void serviceLoader() {
        assertTrue(ServiceLoader.load(LeaseStoreFactory.class).stream()
                .anyMatch(p -> p.type() == JdbcLeaseStoreFactory.class && p.get().name().equals("jdbc")));
    }

    @Test
    @DisplayName("without a URL, a JNDI name or a DataSource bean, the message says what to configure")
    void noSource() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> TestContext.create().store());
        assertEquals(JdbcLeaseStoreFactory.URL, e.key());
        assertTrue(e.getMessage().contains(JdbcLeaseStoreFactory.DATASOURCE), e.getMessage());
    }

    @Test
    @DisplayName("an unsupported URL is rejected without echoing its parameters (they may hold a password)")
    void unsupportedUrl() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> TestContext.create()
                .with(JdbcLeaseStoreFactory.URL, "jdbc:oracle:thin:@db:1521/x?password=hunter2").store());
        assertEquals(JdbcLeaseStoreFactory.URL, e.key());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    @DisplayName("a URL and a JNDI name together are ambiguous")
    void urlAndJndi() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> pg().with(JdbcLeaseStoreFactory.DATASOURCE, "jdbc/baton").store());
        assertEquals(JdbcLeaseStoreFactory.DATASOURCE, e.key());
    }

    @Test
    @DisplayName("a JNDI name bound to nothing, or to something else than a DataSource, is rejected")
    void badJndi() {
        InvalidConfigurationException missing = assertThrows(InvalidConfigurationException.class,
                () -> TestContext.create().with(JdbcLeaseStoreFactory.DATASOURCE, "jdbc/none").store());
        assertEquals("jdbc/none", missing.value().orElseThrow());
        InvalidConfigurationException wrong = assertThrows(InvalidConfigurationException.class,
                () -> TestContext.create().with(JdbcLeaseStoreFactory.DATASOURCE, "jdbc/str").bind("jdbc/str", "x")
                        .store());
        assertTrue(wrong.getMessage().contains("java.lang.String"), wrong.getMessage());
    }

    @Test
    @DisplayName("create-table accepts only true or false")
    void badCreateTable() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> pg().with(JdbcLeaseStoreFactory.CREATE_TABLE, "yes").store());
        assertEquals(JdbcLeaseStoreFactory.CREATE_TABLE, e.key());
    }

    @Test
    @DisplayName("a timeout not shorter than the shortest ttl is rejected; the default is a third of it")
    void timeouts() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> pg().shortestTtl(Duration.ofSeconds(2)).with(JdbcLeaseStoreFactory.TIMEOUT, "2s").store());
        assertEquals(JdbcLeaseStoreFactory.TIMEOUT, e.key());
        try (LeaseStore s = pg().shortestTtl(Duration.ofSeconds(3)).store()) {
            assertEquals(Duration.ofSeconds(1), s.maxCallTime());
        }
        try (LeaseStore s = pg().shortestTtl(Duration.ofMillis(300)).store()) {
            assertEquals(Duration.ofMillis(200), s.maxCallTime(), "floor");
        }
        try (LeaseStore s = pg().shortestTtl(Duration.ofMinutes(5)).store()) {
            assertEquals(Duration.ofSeconds(10), s.maxCallTime(), "cap");
        }
    }

    @Test
    @DisplayName("a poll interval that is not positive or not shorter than the shortest ttl is rejected; the default is"
            + " a fifth of it, between 50 ms and 10 s")
    void pollIntervals() {
        for (String bad : new String[] {"2s", "0ms", "soon"}) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> pg().shortestTtl(Duration.ofSeconds(2)).with(JdbcLeaseStoreFactory.POLL_INTERVAL, bad)
                            .store(), bad);
            assertEquals(JdbcLeaseStoreFactory.POLL_INTERVAL, e.key());
        }
        try (JdbcLeaseStore s = pg().shortestTtl(Duration.ofSeconds(15)).store()) {
            assertEquals(Duration.ofSeconds(3), s.pollInterval());
        }
        try (JdbcLeaseStore s = pg().shortestTtl(Duration.ofMillis(240)).store()) {
            assertEquals(Duration.ofMillis(50), s.pollInterval(), "floor");
        }
        try (JdbcLeaseStore s = pg().shortestTtl(Duration.ofMinutes(5)).store()) {
            assertEquals(Duration.ofSeconds(10), s.pollInterval(), "cap");
        }
        try (JdbcLeaseStore s = pg().shortestTtl(Duration.ofSeconds(2))
                .with(JdbcLeaseStoreFactory.POLL_INTERVAL, "250ms").store()) {
            assertEquals(Duration.ofMillis(250), s.pollInterval());
        }
    }

    @Test
    @DisplayName("creating a store does not connect; with no database, an operation fails in time with a clear error")
    void noDatabaseYet() {
        try (LeaseStore s = pg().shortestTtl(Duration.ofSeconds(3)).with(JdbcLeaseStoreFactory.PASSWORD, "hunter2")
                .store()) {
            String d = s.describe();
            assertTrue(d.contains("PostgreSQL") && d.contains("public.baton_leases"), d);
            assertFalse(d.contains("hunter2"), d);
            long t0 = System.nanoTime();
            LeaseStoreException e = assertThrows(LeaseStoreException.class, () -> s.tryAcquire("a", "me",
                    Duration.ofSeconds(3)));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            // Bounded by the store's budget; the slack covers a busy machine (and the driver's first use in this
            // JVM), and is still far below a connect or pool timeout.
            assertTrue(took.compareTo(s.maxCallTime().plus(Timing.scaled(Duration.ofSeconds(5)))) < 0,
                    "took " + took);
            assertTrue(e.getMessage().contains("tryAcquire"), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        }
    }

    @Test
    @DisplayName("stored names: plain names are kept, unstorable or prefix-like names are encoded, never colliding")
    void storedNames() {
        assertEquals("jobs/nightly report", StoredNames.encode("jobs/nightly report"));
        assertEquals("名前-🎉", StoredNames.encode("名前-🎉"));
        String nul = StoredNames.encode("a\0b");
        String lone = StoredNames.encode("a\uD800b");
        String prefixed = StoredNames.encode(StoredNames.PREFIX + "x");
        assertTrue(nul.startsWith(StoredNames.PREFIX) && lone.startsWith(StoredNames.PREFIX)
                && prefixed.startsWith(StoredNames.PREFIX));
        assertFalse(nul.contains("\0"));
        assertEquals(3, Stream.of(nul, lone, prefixed).distinct().count());
        assertTrue(StoredNames.encode("\uD800".repeat(200)).length() <= 600);
    }

    @Test
    @DisplayName("URLs are shown without parameters or user information")
    void redaction() {
        assertEquals("jdbc:postgresql://db:5432/app",
                UrlConnections.redactUrl("jdbc:postgresql://db:5432/app?user=u&password=p"));
        assertEquals("jdbc:mariadb://db/app", UrlConnections.redactUrl("jdbc:mariadb://u:p@db/app"));
    }
}
