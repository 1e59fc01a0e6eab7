package dev.baton.backend.jdbc;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * The dialect seam: everything that differs between databases, and nothing else. Each lease operation is one
 * statement whose parameters come in the same order in every dialect, so {@link JdbcLeaseStore} runs them all alike:
 *
 * <ul>
 *   <li>{@link #acquire}: {@code (name, holder, ttl microseconds)} → rows {@code (holder_id, version,
 *       remaining microseconds)}: the lease as it stands after the attempt, none when a race was lost;</li>
 *   <li>{@link #renew}: {@code (ttl microseconds, name, holder, version)} → the number of rows renewed;</li>
 *   <li>{@link #release}: {@code (name, holder, version)} → the number of rows released (an update count, or one
 *       result row per released lease where the statement also notifies);</li>
 *   <li>{@link #read}: {@code (name)} → rows {@code (holder_id, version, remaining microseconds)} of a live lease.</li>
 * </ul>
 *
 * <p>Every statement decides with the database clock; a released lease keeps its row (and so its version, the
 * fencing token) with an expiry in the past, so tokens never go backwards.
 */
sealed interface Dialect permits PostgresDialect, MariaDbDialect {

    /** @return the product name for messages, e.g. {@code PostgreSQL} */
    String product();

    /** @return the schema used when none is configured, or empty to use the connection's current schema */
    Optional<String> defaultSchema();

    /**
     * @param identifier a name already checked by {@link TableName}
     * @return the identifier quoted for this database
     */
    String quote(String identifier);

    /**
     * @param table the quoted table
     * @return the DDL creating the table if it is missing
     */
    String createTable(String table);

    /**
     * @param table the quoted table
     * @return a query that fails with a missing-table error when the table does not exist, and reads nothing
     */
    default String probe(String table) {
        return "SELECT 1 FROM " + table + " WHERE 1 = 0";
    }

    /**
     * @param table the quoted table
     * @return the acquire statement (see the class comment)
     */
    String acquire(String table);

    /**
     * @param table the quoted table
     * @return the renew statement
     */
    String renew(String table);

    /**
     * @param table the quoted table
     * @param channel the notification channel, when the dialect notifies
     * @return the release statement
     */
    String release(String table, String channel);

    /**
     * @param table the quoted table
     * @return the read statement
     */
    String read(String table);

    /** @return true when releases notify listeners ({@code LISTEN/NOTIFY}) */
    boolean notifies();

    /**
     * @return true when a JDBC batch of {@link #renew} statements goes out in one round trip and reports one update
     *     count per statement, so {@code renewAll} can renew many leases at once
     */
    boolean batchesRenewals();

    /**
     * @param e an error
     * @return true when it says the table (or its schema) does not exist
     */
    boolean isMissingTable(SQLException e);

    /**
     * @param e an error from the create-table statement
     * @return true when another session created the same table at the same moment
     */
    boolean isConcurrentCreate(SQLException e);

    /**
     * @param e an error from the acquire statement
     * @return true when the statement lost a race (deadlock, serialization failure) and may simply be retried
     */
    boolean isLostRace(SQLException e);

    /**
     * @param timeout the bound on connecting
     * @return driver properties bounding connect and login time (the driver's own spelling and units)
     */
    Properties connectProperties(Duration timeout);

    /**
     * @param jdbcUrl a JDBC URL
     * @return the dialect the URL's driver speaks, if supported
     */
    static Optional<Dialect> forUrl(String jdbcUrl) {
        String u = jdbcUrl.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:")) {
            return Optional.of(new PostgresDialect());
        }
        if (u.startsWith("jdbc:mariadb:")) {
            return Optional.of(new MariaDbDialect());
        }
        return Optional.empty();
    }

    /**
     * @param productName {@link java.sql.DatabaseMetaData#getDatabaseProductName()}
     * @return the dialect, if supported
     */
    static Optional<Dialect> forProduct(String productName) {
        String p = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (p.contains("postgresql")) {
            return Optional.of(new PostgresDialect());
        }
        if (p.contains("mariadb")) {
            return Optional.of(new MariaDbDialect());
        }
        return Optional.empty();
    }

    /** @return how many whole seconds cover {@code d} (at least one): drivers that count in seconds get these */
    static int ceilSeconds(Duration d) {
        long ms = d.toMillis();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (ms + 999) / 1000));
    }
}
