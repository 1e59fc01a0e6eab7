package dev.baton.backend.jdbc;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * MariaDB 10.5 or later: one statement per operation (a batch of renewals included, {@link #renewMany}),
 * {@code UTC_TIMESTAMP(6)} as the clock, no notifications.
 *
 * <p>Acquire is an {@code INSERT ... ON DUPLICATE KEY UPDATE ... RETURNING}: each assignment keeps the old value
 * unless the row expired (or is ours), and {@code RETURNING} yields the row as it stands afterwards, so a refused
 * acquire still learns the holder. The assignments run left to right and later ones see earlier results, which is
 * why {@code expires_at_utc} is assigned last (the {@code metadata} column, where the table has it, is replaced under
 * the same condition just before it). Names are compared byte for byte ({@code utf8mb4_nopad_bin}), so
 * {@code "a"} and {@code "a "} are different leases. MySQL lacks {@code RETURNING} and is not supported.
 */
record MariaDbDialect() implements Dialect {

    private static final String NOW = "UTC_TIMESTAMP(6)";
    /** The expiry of a released lease: long past, whatever the clock says. */
    private static final String RELEASED = "'1000-01-01 00:00:00'";
    private static final String COLLATED = "CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";

    @Override
    public String product() {
        return "MariaDB";
    }

    @Override
    public Optional<String> defaultSchema() {
        return Optional.empty();
    }

    @Override
    public String quote(String identifier) {
        return '`' + identifier + '`';
    }

    @Override
    public String createTable(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (\n"
                + "    lease_name      VARCHAR(600) " + COLLATED + " NOT NULL PRIMARY KEY,\n"
                + "    holder_id       VARCHAR(255) " + COLLATED + " NOT NULL,\n"
                + "    version         BIGINT       NOT NULL,\n"
                + "    acquired_at_utc DATETIME(6)  NOT NULL,\n"
                + "    expires_at_utc  DATETIME(6)  NOT NULL,\n"
                + "    " + METADATA_COLUMN + "        TEXT         NULL\n"
                + ") ENGINE=InnoDB";
    }

    @Override
    public String addMetadataColumn(String table) {
        return "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + METADATA_COLUMN + " TEXT NULL";
    }

    /**
     * {@code WAIT n} (whole seconds, at least 1): while {@code ALTER TABLE} waits for its metadata lock, every other
     * statement on the table queues behind it.
     */
    @Override
    public List<String> addMetadataColumnBounded(String table, long lockWaitMillis) {
        long seconds = Math.max(1, (lockWaitMillis + 999) / 1000);
        return List.of("ALTER TABLE " + table + " WAIT " + seconds + " ADD COLUMN IF NOT EXISTS " + METADATA_COLUMN
                + " TEXT NULL");
    }

    @Override
    public String acquire(String table, boolean withMetadata) {
        String expired = "expires_at_utc <= " + NOW;
        String grantedOrOurs = expired + " OR holder_id = VALUES(holder_id)";
        return "INSERT INTO " + table + " (lease_name, holder_id, version, acquired_at_utc, expires_at_utc"
                + (withMetadata ? ", " + METADATA_COLUMN : "") + ")"
                + " VALUES (?, ?, 1, " + NOW + ", " + NOW + " + INTERVAL ? MICROSECOND" + (withMetadata ? ", ?" : "")
                + ")"
                + " ON DUPLICATE KEY UPDATE"
                + " version = IF(" + expired + ", version + 1, version),"
                + " acquired_at_utc = IF(" + expired + ", VALUES(acquired_at_utc), acquired_at_utc),"
                + " holder_id = IF(" + expired + ", VALUES(holder_id), holder_id),"
                + (withMetadata ? " " + METADATA_COLUMN + " = IF(" + grantedOrOurs + ", VALUES(" + METADATA_COLUMN
                        + "), " + METADATA_COLUMN + ")," : "")
                + " expires_at_utc = IF(" + grantedOrOurs + ", VALUES(expires_at_utc), expires_at_utc)"
                + " RETURNING holder_id, version, TIMESTAMPDIFF(MICROSECOND, " + NOW + ", expires_at_utc)"
                + (withMetadata ? ", " + METADATA_COLUMN : "");
    }

    @Override
    public String renew(String table) {
        return "UPDATE " + table + " SET expires_at_utc = " + NOW + " + INTERVAL ? MICROSECOND"
                + " WHERE lease_name = ? AND holder_id = ? AND version = ? AND expires_at_utc > " + NOW;
    }

    /**
     * {@code INSERT ... VALUES (lease 1), (lease 2), ... ON DUPLICATE KEY UPDATE ... RETURNING}: each lease's row is
     * locked and decided on its own, in the one statement; its expiry moves to now + ttl only when holder and version
     * are the request's and it has not expired, and {@code RETURNING} gives every row as it stands afterwards, so the
     * answer says lease by lease whether it was renewed (holder and version the request's, remaining time positive).
     * The new expiry travels in the inserted {@code acquired_at_utc} value, which an existing row never takes. A lease
     * whose row is gone (rows are never deleted while a participant uses them) is written back released
     * ({@code expires_at_utc} in the past, with the request's holder and version): never a live lease, and its token
     * does not go backwards.
     */
    @Override
    public Optional<String> renewMany(String table, int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        StringBuilder s = new StringBuilder(160 + rows * 64);
        s.append("INSERT INTO ").append(table)
                .append(" (lease_name, holder_id, version, acquired_at_utc, expires_at_utc) VALUES ");
        for (int i = 0; i < rows; i++) {
            s.append(i == 0 ? "" : ", ").append("(?, ?, ?, " + NOW + " + INTERVAL ? MICROSECOND, " + RELEASED + ")");
        }
        return Optional.of(s.append(" ON DUPLICATE KEY UPDATE expires_at_utc = IF(holder_id = VALUES(holder_id)"
                + " AND version = VALUES(version) AND expires_at_utc > " + NOW + ", VALUES(acquired_at_utc),"
                + " expires_at_utc)"
                + " RETURNING lease_name, holder_id, version, TIMESTAMPDIFF(MICROSECOND, " + NOW + ", expires_at_utc)")
                .toString());
    }

    @Override
    public String freeAmong(String table, int rows) {
        return "SELECT lease_name FROM " + table + " WHERE lease_name IN (" + "?, ".repeat(rows - 1) + "?)"
                + " AND expires_at_utc <= " + NOW;
    }

    @Override
    public String release(String table, String channel, boolean withMetadata) {
        return "UPDATE " + table + " SET expires_at_utc = " + RELEASED
                + (withMetadata ? ", " + METADATA_COLUMN + " = NULL" : "")
                + " WHERE lease_name = ? AND holder_id = ? AND version = ? AND expires_at_utc > " + NOW;
    }

    @Override
    public String read(String table, boolean withMetadata) {
        return "SELECT holder_id, version, TIMESTAMPDIFF(MICROSECOND, " + NOW + ", expires_at_utc)"
                + (withMetadata ? ", " + METADATA_COLUMN : "") + " FROM " + table
                + " WHERE lease_name = ? AND expires_at_utc > " + NOW;
    }

    @Override
    public String readMetadata(String table) {
        return "SELECT " + METADATA_COLUMN + " FROM " + table
                + " WHERE lease_name = ? AND holder_id = ? AND version = ? AND expires_at_utc > " + NOW;
    }

    @Override
    public boolean notifies() {
        return false;
    }

    @Override
    public boolean batchesRenewals() {
        // Not by a JDBC batch: Connector/J may send one as a bulk command that reports no per-row counts
        // (SUCCESS_NO_INFO). renewMany is one statement whose RETURNING rows say which leases were renewed.
        return true;
    }

    @Override
    public boolean isMissingTable(SQLException e) {
        return "42S02".equals(e.getSQLState()) || e.getErrorCode() == 1146 || e.getErrorCode() == 1049;
    }

    @Override
    public boolean isMissingColumn(SQLException e) {
        return "42S22".equals(e.getSQLState()) || e.getErrorCode() == 1054;
    }

    @Override
    public boolean isConcurrentCreate(SQLException e) {
        return e.getErrorCode() == 1050;
    }

    @Override
    public boolean isLostRace(SQLException e) {
        return "40001".equals(e.getSQLState()) || e.getErrorCode() == 1213;
    }

    @Override
    public Properties connectProperties(Duration timeout) {
        String millis = Long.toString(Math.max(1, timeout.toMillis()));
        Properties p = new Properties();
        p.setProperty("connectTimeout", millis);
        p.setProperty("socketTimeout", millis);
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }
}
