package dev.baton.backend.jdbc;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * The dialect seam: everything that differs between databases, and nothing else. Each lease operation is one
 * statement whose parameters come in the same order in every dialect, so {@link JdbcLeaseStore} runs them all alike:
 *
 * <ul>
 *   <li>{@link #acquire}: {@code (name, holder, ttl microseconds[, metadata])} → rows {@code (holder_id, version,
 *       remaining microseconds[, metadata])}: the lease as it stands after the attempt, none when a race was lost;</li>
 *   <li>{@link #renew}: {@code (ttl microseconds, name, holder, version)} → the number of rows renewed (the same
 *       statement with or without the metadata column: renewals never touch it);</li>
 *   <li>{@link #release}: {@code (name, holder, version)} → the number of rows released (an update count, or one
 *       result row per released lease where the statement also notifies);</li>
 *   <li>{@link #read}: {@code (name)} → rows {@code (holder_id, version, remaining microseconds[, metadata])} of a
 *       live lease;</li>
 *   <li>{@link #readMetadata}: {@code (name, holder, version)} → the metadata of that grant, if it is still live.</li>
 * </ul>
 * The bracketed {@code metadata} parameter and column are there only in the forms for a table with the
 * {@value #METADATA_COLUMN} column ({@code withMetadata} true): a table created before leader metadata keeps working
 * with the statements of earlier versions.
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

    /** The nullable column holding the holder's leader metadata in {@code LeaderMetadata.encode} form. */
    String METADATA_COLUMN = "metadata";

    /**
     * @param table the quoted table
     * @return the DDL adding the {@value #METADATA_COLUMN} column to a table created before leader metadata (a no-op
     *     when it is there): what the documentation and the warnings tell an operator to run
     */
    String addMetadataColumn(String table);

    /**
     * @param table the quoted table
     * @param lockWaitMillis how long the statement may wait for its table lock: while it waits, every other
     *     statement on the table (other participants' renewals) queues behind it
     * @return the statements adding the {@value #METADATA_COLUMN} column, run in one transaction, waiting at most
     *     about {@code lockWaitMillis} for the lock before they fail
     */
    List<String> addMetadataColumnBounded(String table, long lockWaitMillis);

    /**
     * @param table the quoted table
     * @return a query that reads nothing and fails with a missing-table error when the table does not exist, or a
     *     missing-column error when it has no {@value #METADATA_COLUMN} column
     */
    default String probe(String table) {
        return "SELECT " + METADATA_COLUMN + " FROM " + table + " WHERE 1 = 0";
    }

    /**
     * @param table the quoted table
     * @param withMetadata whether the table has the metadata column (which the statement then writes and returns)
     * @return the acquire statement (see the class comment)
     */
    String acquire(String table, boolean withMetadata);

    /**
     * @param table the quoted table
     * @return the renew statement
     */
    String renew(String table);

    /**
     * One statement renewing several leases at once whose answer says, lease by lease, whether it was renewed: for
     * databases whose drivers cannot report one update count per statement of a JDBC batch.
     *
     * @param table the quoted table
     * @param rows how many leases
     * @return the statement, parameters {@code (name, holder, version, ttl microseconds)} for each lease in turn,
     *     one result row {@code (lease_name, holder_id, version, remaining microseconds)} per lease: renewed when
     *     holder and version are the lease's and the remaining time is positive; empty when the dialect renews by a
     *     JDBC batch of {@link #renew} statements instead
     */
    default Optional<String> renewMany(String table, int rows) {
        return Optional.empty();
    }

    /**
     * For a dialect without notifications ({@link #notifies()} false): which of some leases are free now.
     *
     * @param table the quoted table
     * @param rows how many lease names
     * @return a query with one parameter per lease name, rows {@code (lease_name)} of those that expired or were
     *     released (names without a row are not listed)
     */
    default String freeAmong(String table, int rows) {
        throw new UnsupportedOperationException(product() + " notifies releases");
    }

    /**
     * @param table the quoted table
     * @param channel the notification channel, when the dialect notifies
     * @param withMetadata whether the table has the metadata column (which a release then clears)
     * @return the release statement
     */
    String release(String table, String channel, boolean withMetadata);

    /**
     * @param table the quoted table
     * @param withMetadata whether the table has the metadata column (which the query then returns)
     * @return the read statement
     */
    String read(String table, boolean withMetadata);

    /**
     * @param table the quoted table (with the metadata column)
     * @return the query reading the metadata of one live grant (see the class comment)
     */
    String readMetadata(String table);

    /** @return true when releases notify listeners ({@code LISTEN/NOTIFY}) */
    boolean notifies();

    /**
     * @return true when {@code renewAll} can renew many leases in one round trip: by {@link #renewMany}, or else by a
     *     JDBC batch of {@link #renew} statements that reports one update count per statement
     */
    boolean batchesRenewals();

    /**
     * @param e an error
     * @return true when it says the table (or its schema) does not exist
     */
    boolean isMissingTable(SQLException e);

    /**
     * @param e an error
     * @return true when it says a column (the metadata column, dropped under a running store) does not exist
     */
    boolean isMissingColumn(SQLException e);

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
