package dev.baton.backend.jdbc;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * PostgreSQL: one statement per operation, {@code now()} as the clock, {@code NOTIFY} on release.
 *
 * <p>Acquire is an {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE expired OR ours} in a CTE; when the conflict
 * update does not apply, the same statement's second branch reads the current holder from the statement's snapshot,
 * so a refused acquire still learns the holder and its remaining time in one round trip. When the holder changed
 * after that snapshot (a race), the second branch finds no live row and the store answers "lost a race", which the
 * engine retries at once. Where the table has the {@code metadata} column, the grant's branch writes it with the
 * holder and both branches return it.
 */
record PostgresDialect() implements Dialect {

    private static final String REMAINING_US = "CAST(extract(epoch FROM (expires_at_utc - now())) * 1000000 AS bigint)";

    @Override
    public String product() {
        return "PostgreSQL";
    }

    @Override
    public Optional<String> defaultSchema() {
        return Optional.of("public");
    }

    @Override
    public String quote(String identifier) {
        return '"' + identifier + '"';
    }

    @Override
    public String createTable(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (\n"
                + "    lease_name      text        PRIMARY KEY,\n"
                + "    holder_id       text        NOT NULL,\n"
                + "    version         bigint      NOT NULL,\n"
                + "    acquired_at_utc timestamptz NOT NULL,\n"
                + "    expires_at_utc  timestamptz NOT NULL,\n"
                + "    " + METADATA_COLUMN + "        text\n"
                + ")";
    }

    @Override
    public String addMetadataColumn(String table) {
        return "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + METADATA_COLUMN + " text";
    }

    /**
     * {@code lock_timeout} for this transaction only: {@code ALTER TABLE} needs an exclusive lock, and while it waits
     * for one (behind a long transaction that read the table) every renewal queues behind it.
     */
    @Override
    public List<String> addMetadataColumnBounded(String table, long lockWaitMillis) {
        return List.of("SET LOCAL lock_timeout = '" + Math.max(1, lockWaitMillis) + "ms'", addMetadataColumn(table));
    }

    @Override
    public String acquire(String table, boolean withMetadata) {
        String ours = "l.holder_id = excluded.holder_id AND l.expires_at_utc > now()";
        String meta = withMetadata ? ", " + METADATA_COLUMN : "";
        return "WITH p AS (SELECT CAST(? AS text) AS name, CAST(? AS text) AS holder, CAST(? AS bigint) AS ttl_us"
                + (withMetadata ? ", CAST(? AS text) AS metadata" : "") + "),\n"
                + "granted AS (\n"
                + "  INSERT INTO " + table + " AS l (lease_name, holder_id, version, acquired_at_utc, expires_at_utc"
                + meta + ")\n"
                + "  SELECT p.name, p.holder, 1, now(), now() + p.ttl_us * interval '1 microsecond'"
                + (withMetadata ? ", p.metadata" : "") + " FROM p\n"
                + "  ON CONFLICT (lease_name) DO UPDATE SET\n"
                + "    version = CASE WHEN " + ours + " THEN l.version ELSE l.version + 1 END,\n"
                + "    acquired_at_utc = CASE WHEN " + ours + " THEN l.acquired_at_utc ELSE now() END,\n"
                + "    holder_id = excluded.holder_id,\n"
                + (withMetadata ? "    " + METADATA_COLUMN + " = excluded." + METADATA_COLUMN + ",\n" : "")
                + "    expires_at_utc = excluded.expires_at_utc\n"
                + "  WHERE l.expires_at_utc <= now() OR l.holder_id = excluded.holder_id\n"
                + "  RETURNING holder_id, version, expires_at_utc" + meta + ")\n"
                + "SELECT holder_id, version, " + REMAINING_US + meta + " FROM granted\n"
                + "UNION ALL\n"
                + "SELECT l.holder_id, l.version, " + REMAINING_US.replace("expires_at_utc", "l.expires_at_utc")
                + (withMetadata ? ", l." + METADATA_COLUMN : "") + " FROM " + table + " l, p\n"
                + "  WHERE l.lease_name = p.name AND l.expires_at_utc > now() AND NOT EXISTS (SELECT 1 FROM granted)";
    }

    @Override
    public String renew(String table) {
        return "UPDATE " + table + " SET expires_at_utc = now() + ? * interval '1 microsecond'"
                + " WHERE lease_name = ? AND holder_id = ? AND version = ? AND expires_at_utc > now()";
    }

    @Override
    public String release(String table, String channel, boolean withMetadata) {
        // '-infinity' rather than now(): a concurrent acquire whose transaction started a moment earlier must also
        // see the row as expired. pg_notify is sent at commit, only for a row actually released.
        return "UPDATE " + table + " SET expires_at_utc = '-infinity'"
                + (withMetadata ? ", " + METADATA_COLUMN + " = NULL" : "")
                + " WHERE lease_name = ? AND holder_id = ? AND version = ? AND expires_at_utc > now()"
                + " RETURNING pg_notify('" + channel + "', lease_name)";
    }

    @Override
    public String read(String table, boolean withMetadata) {
        return "SELECT holder_id, version, " + REMAINING_US + (withMetadata ? ", " + METADATA_COLUMN : "") + " FROM "
                + table + " WHERE lease_name = ? AND expires_at_utc > now()";
    }

    @Override
    public String readMetadata(String table) {
        return "SELECT " + METADATA_COLUMN + " FROM " + table
                + " WHERE lease_name = ? AND holder_id = ? AND version = ? AND expires_at_utc > now()";
    }

    @Override
    public boolean notifies() {
        return true;
    }

    @Override
    public boolean batchesRenewals() {
        // pgjdbc pipelines a batch (one Sync) and reports each statement's row count.
        return true;
    }

    @Override
    public boolean isMissingTable(SQLException e) {
        return "42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState());
    }

    @Override
    public boolean isMissingColumn(SQLException e) {
        return "42703".equals(e.getSQLState());
    }

    @Override
    public boolean isConcurrentCreate(SQLException e) {
        // CREATE TABLE IF NOT EXISTS is not atomic: a concurrent twin fails on the catalog's unique index
        // (23505), or sees the other's committed row type (42710) or table (42P07).
        String state = e.getSQLState();
        return "23505".equals(state) || "42710".equals(state) || "42P07".equals(state);
    }

    @Override
    public boolean isLostRace(SQLException e) {
        return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
    }

    @Override
    public Properties connectProperties(Duration timeout) {
        String seconds = Integer.toString(Dialect.ceilSeconds(timeout));
        Properties p = new Properties();
        p.setProperty("connectTimeout", seconds);
        p.setProperty("loginTimeout", seconds);
        // Bounds the startup exchange; each operation then sets a millisecond network timeout of its own.
        p.setProperty("socketTimeout", seconds);
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "baton");
        return p;
    }
}
