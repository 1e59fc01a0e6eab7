package dev.baton.backend.jdbc;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.spi.StoreContext;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@code baton.backend=jdbc}: leases in a database table. Configuration:
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code baton.jdbc.url}</td><td></td><td>a {@code jdbc:postgresql:} or {@code jdbc:mariadb:} URL; Baton
 *       then opens connections of its own, separate from the application's pool</td></tr>
 *   <tr><td>{@code baton.jdbc.user}, {@code baton.jdbc.password}</td><td></td><td>credentials for the URL</td></tr>
 *   <tr><td>{@code baton.jdbc.datasource}</td><td></td><td>the JNDI name of a container {@code DataSource}
 *       (instead of a URL); without either, the application's single {@code DataSource} bean is used</td></tr>
 *   <tr><td>{@code baton.jdbc.schema}</td><td>{@code public} (PostgreSQL), the current database (MariaDB)</td>
 *       <td>where the table lives</td></tr>
 *   <tr><td>{@code baton.jdbc.table}</td><td>{@code baton_leases}</td><td>the lease table</td></tr>
 *   <tr><td>{@code baton.jdbc.create-table}</td><td>{@code true}</td><td>create the table when missing</td></tr>
 *   <tr><td>{@code baton.jdbc.timeout}</td><td>a third of the shortest ttl, between 200 ms and 10 s</td>
 *       <td>the bound on one operation, connecting included</td></tr>
 * </table>
 *
 * <p>Schema and table must be lower-case SQL identifiers; anything else fails deployment, so configuration can never
 * inject SQL. The drivers are not brought in by this module: add {@code org.postgresql:postgresql} or
 * {@code org.mariadb.jdbc:mariadb-java-client} (or use the container's).
 */
public final class JdbcLeaseStoreFactory implements LeaseStoreFactory {

    /** The JDBC URL. */
    public static final String URL = "baton.jdbc.url";
    /** The user for the URL. */
    public static final String USER = "baton.jdbc.user";
    /** The password for the URL (a secret: never shown). */
    public static final String PASSWORD = "baton.jdbc.password";
    /** The JNDI name of a container DataSource. */
    public static final String DATASOURCE = "baton.jdbc.datasource";
    /** The schema (PostgreSQL) or database (MariaDB). */
    public static final String SCHEMA = "baton.jdbc.schema";
    /** The table. */
    public static final String TABLE = "baton.jdbc.table";
    /** Whether to create the table when missing. */
    public static final String CREATE_TABLE = "baton.jdbc.create-table";
    /** The bound on one operation. */
    public static final String TIMEOUT = "baton.jdbc.timeout";
    /** MariaDB: how often followers look for leases released on other hosts. */
    public static final String POLL_INTERVAL = "baton.jdbc.poll-interval";

    /** What a valid URL looks like, for messages. */
    static final String VALID_URL = "jdbc:postgresql://host:5432/database or jdbc:mariadb://host:3306/database";

    private static final String SOURCE_NEEDED = "a JDBC URL (" + VALID_URL + "), or " + DATASOURCE
            + " naming a JNDI DataSource, or a single DataSource bean in the application";

    @Override
    public String name() {
        return "jdbc";
    }

    @Override
    public LeaseStore create(StoreContext context) {
        JdbcLeaseStore.Builder b = JdbcLeaseStore.builder();
        context.config(SCHEMA).filter(s -> !s.isBlank()).ifPresent(s -> {
            if (!TableName.isValidIdentifier(s)) {
                throw new InvalidConfigurationException(SCHEMA, s, TableName.VALID_IDENTIFIER);
            }
            b.schema(s);
        });
        String table = context.config(TABLE).filter(s -> !s.isBlank()).orElse(TableName.DEFAULT_TABLE);
        if (!TableName.isValidIdentifier(table)) {
            throw new InvalidConfigurationException(TABLE, table, TableName.VALID_IDENTIFIER);
        }
        b.table(table);
        b.createTable(bool(context, CREATE_TABLE, true));
        b.timeout(timeout(context));
        b.pollInterval(pollInterval(context));

        Optional<String> url = context.config(URL).filter(s -> !s.isBlank());
        Optional<String> jndi = context.config(DATASOURCE).filter(s -> !s.isBlank());
        if (url.isPresent() && jndi.isPresent()) {
            throw new InvalidConfigurationException(DATASOURCE, jndi.get(), "unset when " + URL + " is set (use one)");
        }
        if (url.isPresent()) {
            String u = url.get().trim();
            if (Dialect.forUrl(u).isEmpty()) {
                throw new InvalidConfigurationException(URL, UrlConnections.redactUrl(u), VALID_URL);
            }
            b.url(u).user(context.config(USER).orElse(null)).password(context.config(PASSWORD).orElse(null));
        } else if (jndi.isPresent()) {
            Object found = context.lookup(jndi.get()).orElseThrow(() -> new InvalidConfigurationException(DATASOURCE,
                    jndi.get(), "the JNDI name of a javax.sql.DataSource bound in this container (nothing is bound there)"));
            if (!(found instanceof DataSource ds)) {
                throw new InvalidConfigurationException(DATASOURCE, jndi.get(),
                        "the JNDI name of a javax.sql.DataSource (found a " + found.getClass().getName() + ")");
            }
            b.dataSource(ds, "JNDI " + jndi.get());
        } else {
            DataSource ds = context.client(DataSource.class)
                    .orElseThrow(() -> new InvalidConfigurationException(URL, null, SOURCE_NEEDED));
            b.dataSource(ds, "the application's DataSource");
        }
        return b.build();
    }

    private static Duration timeout(StoreContext context) {
        Duration ttl = context.shortestTtl();
        Duration t = context.duration(TIMEOUT, clamp(ttl.dividedBy(3), Duration.ofMillis(200)));
        if (t.compareTo(ttl) >= 0) {
            throw new InvalidConfigurationException(TIMEOUT, context.config(TIMEOUT).orElse(t.toString()),
                    "a duration shorter than the shortest lease ttl (" + ttl.toMillis() + " ms), e.g. a third of it");
        }
        return t;
    }

    /** A fifth of the shortest ttl, between 50 ms and 10 s: below the default renew interval (a third). */
    private static Duration pollInterval(StoreContext context) {
        Duration ttl = context.shortestTtl();
        Duration p = context.duration(POLL_INTERVAL, clamp(ttl.dividedBy(5), Duration.ofMillis(50)));
        if (p.isNegative() || p.isZero() || p.compareTo(ttl) >= 0) {
            throw new InvalidConfigurationException(POLL_INTERVAL, context.config(POLL_INTERVAL).orElse(p.toString()),
                    "a positive duration shorter than the shortest lease ttl (" + ttl.toMillis() + " ms) and than"
                            + " the renew interval, e.g. a fifth of the ttl");
        }
        return p;
    }

    /** @return {@code d}, at least {@code floor} and at most 10 s */
    private static Duration clamp(Duration d, Duration floor) {
        Duration cap = Duration.ofSeconds(10);
        return d.compareTo(floor) < 0 ? floor : d.compareTo(cap) > 0 ? cap : d;
    }

    private static boolean bool(StoreContext context, String key, boolean fallback) {
        Optional<String> raw = context.config(key).map(String::trim).filter(s -> !s.isEmpty());
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidConfigurationException(key, raw.get(), "true or false");
        };
    }
}
